using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

using static OrleansLog.Kafka.Generator.FieldCode;

namespace OrleansLog.Kafka.Generator;

/// <summary>Writes a message's or structure's Write method: each field in the versions that have it, tagged fields, compact and nullable encodings.</summary>
internal sealed class WriteEmitter(MessageTypes types)
{
    private readonly MessageTypes _types = types;

    /// <summary>Writes the Write method of a message (<paramref name="isMessage"/>) or of a structure, over <paramref name="within"/>.</summary>
    public void EmitWrite(CodeWriter w, List<FieldSpec> fields, VersionRange within, bool isMessage)
    {
        Summary(w, isMessage
            ? "Writes this message's fields in the given version; throws KafkaProtocolException when a value cannot be written in it."
            : "Writes this structure's fields in the given version of the enclosing message.");
        w.Open($"{(isMessage ? "public" : "internal")} void Write(ref {Namespace}.KafkaWriter writer, short version)");
        if (isMessage)
        {
            _types.EmitVersionCheck(w);
        }

        foreach (FieldSpec field in fields)
        {
            VersionRange untagged = Untagged(field, within);
            string condition = untagged.Condition("version", within);
            string value = "this." + field.Name;
            if (condition != "false")
            {
                bool opened = OpenIf(w, condition);
                EmitWriteValue(w, field, "writer", value, untagged, tagged: false);
                if (opened)
                {
                    w.Close();
                }
            }

            // Kafka refuses to drop a value the reader would need: a non-default value of a field that is not
            // ignorable and does not exist in this version is an error, not a silent loss.
            string present = field.Versions.Condition("version", within);
            if (!field.Ignorable && present != "true")
            {
                string absent = present == "false" ? string.Empty : $"!({present}) && ";
                w.Line($"if ({absent}({NonDefault(field, value)})) throw {ProtocolException}.NonIgnorableField(\"{field.Name}\", version);");
            }
        }

        string flexible = _types.FlexibleVersions.Condition("version", within);
        if (flexible != "false")
        {
            bool opened = OpenIf(w, flexible);
            List<FieldSpec> taggedFields = TaggedFields(fields, within);
            if (taggedFields.Count == 0)
            {
                w.Line("writer.WriteUnsignedVarInt(0);");
            }
            else
            {
                w.Line("int taggedFieldCount = 0;");
                foreach (FieldSpec field in taggedFields)
                {
                    w.Line($"if ({TaggedWriteCondition(field, within)}) taggedFieldCount++;");
                }

                w.Line("writer.WriteUnsignedVarInt((uint)taggedFieldCount);");
                foreach (FieldSpec field in taggedFields)
                {
                    // A tagged field carries its size before its value, so the value is written aside first.
                    w.Open($"if ({TaggedWriteCondition(field, within)})");
                    w.Line("var tagBuffer = new global::System.Buffers.ArrayBufferWriter<byte>();");
                    w.Line($"var tagWriter = new {Namespace}.KafkaWriter(tagBuffer);");
                    EmitWriteValue(w, field, "tagWriter", "this." + field.Name, Tagged(field, within), tagged: true);
                    w.Line($"writer.WriteTaggedField({field.Tag}, tagBuffer.WrittenSpan);");
                    w.Close();
                }
            }

            if (opened)
            {
                w.Close();
            }
        }

        w.Close();
    }

    private string TaggedWriteCondition(FieldSpec field, VersionRange within)
    {
        // Only called inside the flexible versions, so the condition need not repeat them.
        string tagged = Tagged(field, within).Condition("version", within.Intersect(_types.FlexibleVersions));
        string nonDefault = NonDefault(field, "this." + field.Name);
        return tagged == "true" ? nonDefault : $"({tagged}) && ({nonDefault})";
    }

    private void EmitWriteValue(CodeWriter w, FieldSpec field, string writer, string value, VersionRange within, bool tagged)
    {
        FieldType type = field.Type;
        string nullable = field.NullableVersions.Condition("version", within);
        string compact = _types.CompactCondition(field, within, tagged);
        string nullWrite = $"{ProtocolException}.NullValue(\"{field.Name}\", version)";
        switch (type.Kind)
        {
            case FieldKind.String:
            case FieldKind.Bytes:
            case FieldKind.Records:
                {
                    string method = type.Kind switch
                    {
                        FieldKind.String => "String",
                        FieldKind.Bytes => "Bytes",
                        _ => "Records",
                    };
                    string nullableMethod = type.Kind == FieldKind.Records ? "Records" : "Nullable" + method;
                    string orNull = $"{writer}.Write{nullableMethod}({value}, {compact});";
                    string notNull = $"{writer}.Write{method}({value} ?? throw {nullWrite}, {compact});";
                    switch (nullable)
                    {
                        case "true":
                            w.Line(orNull);
                            break;
                        case "false":
                            w.Line(notNull);
                            break;
                        default:
                            w.Line($"if ({nullable}) {orNull}");
                            w.Line($"else {notNull}");
                            break;
                    }

                    break;
                }

            case FieldKind.Array:
                w.Open($"if ({value} is null)");
                switch (nullable)
                {
                    case "true":
                        w.Line($"{writer}.WriteNullArray({compact});");
                        break;
                    case "false":
                        w.Line($"throw {nullWrite};");
                        break;
                    default:
                        w.Line($"if (!({nullable})) throw {nullWrite};");
                        w.Line($"{writer}.WriteNullArray({compact});");
                        break;
                }

                w.Close();
                w.Open("else");
                w.Line($"{writer}.WriteArrayLength({value}.Count, {compact});");
                w.Open($"foreach (var item in {value})");
                FieldType element = type.Element!;
                string nullItem = $"{ProtocolException}.NullValue(\"{field.Name}[]\", version)";
                switch (element.Kind)
                {
                    case FieldKind.String:
                        w.Line($"{writer}.WriteString(item ?? throw {nullItem}, {compact});");
                        break;
                    case FieldKind.Bytes:
                        w.Line($"{writer}.WriteBytes(item ?? throw {nullItem}, {compact});");
                        break;
                    case FieldKind.Struct:
                        w.Line($"(item ?? throw {nullItem}).Write(ref {writer}, version);");
                        break;
                    default:
                        w.Line($"{writer}.{WriteMethod(element.Kind)}(item);");
                        break;
                }

                w.Close();
                w.Close();
                break;

            case FieldKind.Struct:
                {
                    string writeNull = tagged ? $"{writer}.WriteUnsignedVarInt(0);" : $"{writer}.WriteInt8(-1);";
                    string writePresent = tagged ? $"{writer}.WriteUnsignedVarInt(1);" : $"{writer}.WriteInt8(1);";
                    if (nullable == "false")
                    {
                        w.Line($"({value} ?? throw {nullWrite}).Write(ref {writer}, version);");
                        break;
                    }

                    w.Open($"if ({value} is null)");
                    if (nullable != "true")
                    {
                        w.Line($"if (!({nullable})) throw {nullWrite};");
                    }

                    w.Line(writeNull);
                    w.Close();
                    w.Open("else");
                    w.Line(nullable == "true" ? writePresent : $"if ({nullable}) {writePresent}");
                    w.Line($"{value}.Write(ref {writer}, version);");
                    w.Close();
                    break;
                }

            default:
                w.Line($"{writer}.{WriteMethod(type.Kind)}({value});");
                break;
        }
    }
}
