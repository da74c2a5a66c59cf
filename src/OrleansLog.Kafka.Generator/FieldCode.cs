using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace OrleansLog.Kafka.Generator;

/// <summary>The text the emitters write for fields: versions and tagged ranges, defaults, reader and writer method names, doc comments and literals.</summary>
internal static class FieldCode
{
    /// <summary>The namespace of the generated messages.</summary>
    public const string Namespace = "global::OrleansLog.Kafka.Protocol";

    /// <summary>The exception generated code throws.</summary>
    public const string ProtocolException = Namespace + ".KafkaProtocolException";

    /// <summary>The versions within <paramref name="within"/> in which the field is a tagged field.</summary>
    public static VersionRange Tagged(FieldSpec field, VersionRange within) =>
        field.Versions.Intersect(within).Intersect(field.TaggedVersions);

    /// <summary>The versions within <paramref name="within"/> in which the field is written in place, untagged.</summary>
    public static VersionRange Untagged(FieldSpec field, VersionRange within)
    {
        VersionRange present = field.Versions.Intersect(within);
        VersionRange tagged = present.Intersect(field.TaggedVersions);
        if (tagged.IsEmpty)
        {
            return present;
        }

        // Tagged versions are open-ended, so the untagged versions are the ones below them.
        return tagged.Lowest <= present.Lowest ? VersionRange.None : new VersionRange(present.Lowest, (short)(tagged.Lowest - 1));
    }

    /// <summary>The fields tagged in some version within <paramref name="within"/>, in tag order.</summary>
    public static List<FieldSpec> TaggedFields(List<FieldSpec> fields, VersionRange within) =>
        fields.Where(f => f.Tag.HasValue && !Tagged(f, within).IsEmpty).OrderBy(f => f.Tag!.Value).ToList();

    /// <summary>A C# condition on <c>version</c> that holds in <paramref name="range"/>, whatever versions the message has.</summary>
    public static string OpenCondition(VersionRange range)
    {
        if (range.IsEmpty)
        {
            return "false";
        }

        if (range.Highest == VersionRange.Open)
        {
            return range.Lowest == 0 ? "version >= 0" : $"version >= {range.Lowest}";
        }

        return $"version >= {range.Lowest} && version <= {range.Highest}";
    }

    /// <summary>Opens <c>if (condition)</c> unless the condition is always true; true when a block was opened.</summary>
    public static bool OpenIf(CodeWriter w, string condition)
    {
        if (condition == "true")
        {
            return false;
        }

        w.Open($"if ({condition})");
        return true;
    }

    /// <summary>Whether the field's default is the CLR default of its type, so its property needs no initializer.</summary>
    public static bool DefaultIsClrDefault(FieldSpec field)
    {
        string value = DefaultValue(field);
        return value is "0" or "false" or "null" || value == "global::System.Guid.Empty";
    }

    /// <summary>The C# expression of the field's default; throws FormatException for a default the type cannot take.</summary>
    public static string DefaultValue(FieldSpec field)
    {
        string? text = field.Default;
        string where = field.Name + ".default";
        switch (field.Type.Kind)
        {
            case FieldKind.Bool:
                if (text is null or "false")
                {
                    return "false";
                }

                return text == "true" ? "true" : throw new FormatException($"{where} \"{text}\" is not a bool");
            case FieldKind.Int8:
                return Integer(text, sbyte.MinValue, sbyte.MaxValue, where);
            case FieldKind.Int16:
                return Integer(text, short.MinValue, short.MaxValue, where);
            case FieldKind.UInt16:
                return Integer(text, ushort.MinValue, ushort.MaxValue, where);
            case FieldKind.Int32:
                return Integer(text, int.MinValue, int.MaxValue, where);
            case FieldKind.UInt32:
                return Integer(text, uint.MinValue, uint.MaxValue, where);
            case FieldKind.Int64:
                return Integer(text, long.MinValue, long.MaxValue, where);
            case FieldKind.Float64:
                if (text is null)
                {
                    return "0";
                }

                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                    ? d.ToString("R", CultureInfo.InvariantCulture) + "d"
                    : throw new FormatException($"{where} \"{text}\" is not a number");
            case FieldKind.Uuid:
                if (text is null or "" or "AAAAAAAAAAAAAAAAAAAAAA")
                {
                    return "global::System.Guid.Empty";
                }

                throw new FormatException($"{where}: only the zero uuid is supported as a default");
            case FieldKind.String:
                if (text == "null")
                {
                    return "null";
                }

                return StringLiteral(text ?? string.Empty);
            case FieldKind.Bytes:
                if (text == "null")
                {
                    return "null";
                }

                return text is null or "" ? "global::System.Array.Empty<byte>()" : throw new FormatException($"{where}: bytes take no default but null");
            case FieldKind.Records:
                return text is null or "null" ? "null" : throw new FormatException($"{where}: records take no default but null");
            case FieldKind.Array:
            case FieldKind.Struct:
                if (text == "null")
                {
                    return "null";
                }

                return text is null or "" ? "new()" : throw new FormatException($"{where}: a {field.Type.Kind} takes no default but null");
            default:
                throw new InvalidOperationException("unknown kind " + field.Type.Kind);
        }
    }

    /// <summary>An integer default as C#, checked against the type's range.</summary>
    public static string Integer(string? text, decimal min, decimal max, string where)
    {
        if (text is null)
        {
            return "0";
        }

        long value = MessageSpecParser.ParseInteger(text, where);
        if (value < min || value > max)
        {
            throw new FormatException($"{where} \"{text}\" is out of range");
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A C# condition that holds when <paramref name="value"/> differs from the field's default.</summary>
    public static string NonDefault(FieldSpec field, string value)
    {
        string defaultValue = DefaultValue(field);
        switch (field.Type.Kind)
        {
            case FieldKind.Bool:
                return defaultValue == "true" ? $"!{value}" : value;
            case FieldKind.String:
                return defaultValue == "null"
                    ? $"{value} is not null"
                    : $"!string.Equals({value}, {defaultValue}, global::System.StringComparison.Ordinal)";
            case FieldKind.Bytes:
                return defaultValue == "null" ? $"{value} is not null" : $"{value} is null || {value}.Length != 0";
            case FieldKind.Records:
                return $"{value} is not null";
            case FieldKind.Array:
                return defaultValue == "null" ? $"{value} is not null" : $"{value} is null || {value}.Count != 0";
            case FieldKind.Struct:
                return defaultValue == "null" ? $"{value} is not null" : $"{value} is null || !{value}.HasOnlyDefaults()";
            default:
                return $"{value} != {defaultValue}";
        }
    }

    /// <summary>The exception generated code throws when a non-nullable field was read as null.</summary>
    public static string NullRead(FieldSpec field) =>
        $"{ProtocolException}.Malformed(\"non-nullable field {field.Name} was serialized as null\")";

    /// <summary>The KafkaReader method for a fixed-size kind.</summary>
    public static string ReadMethod(FieldKind kind) => "Read" + PrimitiveName(kind);

    /// <summary>The KafkaWriter method for a fixed-size kind.</summary>
    public static string WriteMethod(FieldKind kind) => "Write" + PrimitiveName(kind);

    /// <summary>The name the reader and writer methods use for a fixed-size kind.</summary>
    public static string PrimitiveName(FieldKind kind) => kind switch
    {
        FieldKind.Bool => "Bool",
        FieldKind.Int8 => "Int8",
        FieldKind.Int16 => "Int16",
        FieldKind.UInt16 => "UInt16",
        FieldKind.Int32 => "Int32",
        FieldKind.UInt32 => "UInt32",
        FieldKind.Int64 => "Int64",
        FieldKind.Float64 => "Float64",
        FieldKind.Uuid => "Uuid",
        _ => throw new InvalidOperationException("not a fixed-size kind: " + kind),
    };

    /// <summary>Writes a one-line doc comment.</summary>
    public static void Summary(CodeWriter w, string text) => w.Line($"/// <summary>{Escape(text)}</summary>");

    /// <summary>Escapes text for an XML doc comment.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '<': builder.Append("&lt;"); break;
                case '>': builder.Append("&gt;"); break;
                case '&': builder.Append("&amp;"); break;
                case '\r':
                case '\n': builder.Append(' '); break;
                default: builder.Append(c); break;
            }
        }

        return builder.ToString();
    }

    /// <summary>A C# string literal of <paramref name="text"/>.</summary>
    public static string StringLiteral(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
