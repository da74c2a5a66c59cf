using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

using static OrleansLog.Kafka.Generator.FieldCode;

namespace OrleansLog.Kafka.Generator;

/// <summary>Writes a message's or structure's Read method: each field in the versions that have it, tagged fields, compact and nullable encodings.</summary>
internal sealed class ReadEmitter(MessageTypes types)
{
    private readonly MessageTypes _types = types;

    /// <summary>Writes the Read method of a message (<paramref name="isMessage"/>) or of a structure, over <paramref name="within"/>.</summary>
    public void EmitRead(CodeWriter w, List<FieldSpec> fields, VersionRange within, bool isMessage)
    {
        Summary(w, isMessage
            ? "Reads this message's fields in the given version, replacing every value; throws KafkaProtocolException on malformed input."
            : "Reads this structure's fields in the given version of the enclosing message.");
        w.Open($"{(isMessage ? "public" : "internal")} void Read(ref {Namespace}.KafkaReader reader, short version)");
        if (isMessage)
        {
            _types.EmitVersionCheck(w);
        }

        foreach (FieldSpec field in fields)
        {
            VersionRange untagged = Untagged(field, within);
            string condition = untagged.Condition("version", within);
            string target = "this." + field.Name;
            if (condition == "true")
            {
                EmitReadValue(w, field, "reader", target, untagged, tagged: false);
            }
            else if (condition == "false")
            {
                w.Line($"{target} = {DefaultValue(field)};");
            }
            else
            {
                w.Open($"if ({condition})");
                EmitReadValue(w, field, "reader", target, untagged, tagged: false);
                w.Close();
                w.Open("else");
                w.Line($"{target} = {DefaultValue(field)};");
                w.Close();
            }
        }

        string flexible = _types.FlexibleVersions.Condition("version", within);
        if (flexible != "false")
        {
            bool opened = OpenIf(w, flexible);
            List<FieldSpec> taggedFields = TaggedFields(fields, within);
            if (taggedFields.Count == 0)
            {
                w.Line("reader.SkipTaggedFields();");
            }
            else
            {
                w.Line("uint taggedFieldCount = reader.ReadUnsignedVarInt();");
                w.Open("for (uint t = 0; t < taggedFieldCount; t++)");
                w.Line("uint tag = reader.ReadUnsignedVarInt();");
                w.Line($"{Namespace}.KafkaReader tagReader = reader.ReadTaggedFieldValue();");
                w.Open("switch (tag)");
                VersionRange flexibleWithin = within.Intersect(_types.FlexibleVersions);
                foreach (FieldSpec field in taggedFields)
                {
                    VersionRange tagged = Tagged(field, within);
                    string when = tagged.Condition("version", flexibleWithin);
                    w.Line(when == "true" ? $"case {field.Tag}:" : $"case {field.Tag} when {when}:");
                    w.Line("{").Indent();
                    EmitReadValue(w, field, "tagReader", "this." + field.Name, tagged, tagged: true);
                    w.Line("break;");
                    w.Outdent().Line("}");
                }

                // An unknown tag (or a known one in a version that does not define it) is skipped:
                // ReadTaggedFieldValue has already moved past its bytes.
                w.Line("default:");
                w.Indent().Line("break;").Outdent();
                w.Close();
                w.Close();
            }

            if (opened)
            {
                w.Close();
            }
        }

        w.Close();
    }

    private void EmitReadValue(CodeWriter w, FieldSpec field, string reader, string target, VersionRange within, bool tagged)
    {
        FieldType type = field.Type;
        string nullable = field.NullableVersions.Condition("version", within);
        string compact = _types.CompactCondition(field, within, tagged);
        switch (type.Kind)
        {
            case FieldKind.String:
            case FieldKind.Bytes:
                {
                    string kind = type.Kind == FieldKind.String ? "String" : "Bytes";
                    string read = nullable switch
                    {
                        "true" => $"{reader}.ReadNullable{kind}({compact})",
                        "false" => $"{reader}.Read{kind}({compact})",
                        _ => $"({nullable}) ? {reader}.ReadNullable{kind}({compact}) : {reader}.Read{kind}({compact})",
                    };
                    w.Line($"{target} = {read};");
                    break;
                }

            case FieldKind.Records:
                switch (nullable)
                {
                    case "true":
                        w.Line($"{target} = {reader}.ReadRecords({compact});");
                        break;
                    case "false":
                        w.Line($"{target} = {reader}.ReadRecords({compact}) ?? throw {NullRead(field)};");
                        break;
                    default:
                        w.Line($"{target} = {reader}.ReadRecords({compact});");
                        w.Line($"if ({target} is null && !({nullable})) throw {NullRead(field)};");
                        break;
                }

                break;

            case FieldKind.Array:
                w.Line("{").Indent();
                w.Line($"int count = {reader}.ReadArrayLength({compact});");
                w.Open("if (count < 0)");
                if (nullable == "false")
                {
                    w.Line($"throw {NullRead(field)};");
                }
                else
                {
                    if (nullable != "true")
                    {
                        w.Line($"if (!({nullable})) throw {NullRead(field)};");
                    }

                    w.Line($"{target} = null;");
                }

                w.Close();
                w.Open("else");
                string elementType = _types.CsType(type.Element!, nullable: false);
                w.Line($"var items = new global::System.Collections.Generic.List<{elementType}>(count);");
                w.Open("for (int i = 0; i < count; i++)");
                FieldType element = type.Element!;
                switch (element.Kind)
                {
                    case FieldKind.String:
                        w.Line($"items.Add({reader}.ReadString({compact}));");
                        break;
                    case FieldKind.Bytes:
                        w.Line($"items.Add({reader}.ReadBytes({compact}));");
                        break;
                    case FieldKind.Struct:
                        w.Line($"var item = new {elementType}();");
                        w.Line($"item.Read(ref {reader}, version);");
                        w.Line("items.Add(item);");
                        break;
                    default:
                        w.Line($"items.Add({reader}.{ReadMethod(element.Kind)}());");
                        break;
                }

                w.Close();
                w.Line($"{target} = items;");
                w.Close();
                w.Outdent().Line("}");
                break;

            case FieldKind.Struct:
                {
                    string structType = _types.StructType(type.StructName!);
                    string presenceIsNull = tagged ? $"{reader}.ReadUnsignedVarInt() == 0" : $"{reader}.ReadInt8() < 0";
                    if (nullable != "false")
                    {
                        w.Open(nullable == "true" ? $"if ({presenceIsNull})" : $"if (({nullable}) && {presenceIsNull})");
                        w.Line($"{target} = null;");
                        w.Close();
                        w.Open("else");
                    }
                    else
                    {
                        w.Line("{").Indent();
                    }

                    w.Line($"var value = new {structType}();");
                    w.Line($"value.Read(ref {reader}, version);");
                    w.Line($"{target} = value;");
                    w.Close();
                    break;
                }

            default:
                w.Line($"{target} = {reader}.{ReadMethod(type.Kind)}();");
                break;
        }
    }
}
