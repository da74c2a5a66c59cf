using System;
using System.Collections.Generic;

namespace OrleansLog.Kafka.Generator;

/// <summary>
/// Turns the parsed JSON of one Kafka message definition into a <see cref="MessageSpec"/>, checking the rules the
/// generated code relies on (tags only in flexible versions and open-ended, struct names defined once, ...).
/// Returns null for definitions that are not requests, responses or headers (Kafka's "data" files).
/// </summary>
internal static class MessageSpecParser
{
    public static MessageSpec? Parse(string text)
    {
        if (LenientJsonReader.Parse(text) is not Dictionary<string, object?> root)
        {
            throw new FormatException("the definition is not a JSON object");
        }

        string name = RequiredString(root, "name", "the message");
        string type = RequiredString(root, "type", name);
        MessageKind kind;
        switch (type)
        {
            case "request":
                kind = MessageKind.Request;
                break;
            case "response":
                kind = MessageKind.Response;
                break;
            case "header":
                kind = MessageKind.Header;
                break;
            default:
                return null;
        }

        if (kind == MessageKind.Request && !name.EndsWith("Request", StringComparison.Ordinal))
        {
            throw new FormatException($"request {name} does not end in \"Request\"");
        }

        if (kind == MessageKind.Response && !name.EndsWith("Response", StringComparison.Ordinal))
        {
            throw new FormatException($"response {name} does not end in \"Response\"");
        }

        short? apiKey = null;
        if (kind != MessageKind.Header)
        {
            apiKey = checked((short)ParseInteger(RequiredScalar(root, "apiKey", name), name + ".apiKey"));
        }

        VersionRange valid = VersionRange.Parse(RequiredString(root, "validVersions", name), name + ".validVersions");
        VersionRange flexible = VersionRange.Parse(OptionalString(root, "flexibleVersions") ?? "none", name + ".flexibleVersions");
        if (!flexible.IsEmpty && !flexible.IsOpenEnded)
        {
            throw new FormatException($"{name}.flexibleVersions \"{flexible}\" must be open-ended");
        }

        var spec = new MessageSpec(name, kind, apiKey, valid, flexible, new List<FieldSpec>());
        spec.LatestVersionUnstable = root.TryGetValue("latestVersionUnstable", out object? unstable) && unstable is true;
        spec.Fields.AddRange(ParseFields(spec, root, name, valid));

        if (root.TryGetValue("commonStructs", out object? common) && common is List<object?> commonStructs)
        {
            foreach (object? item in commonStructs)
            {
                if (item is not Dictionary<string, object?> structObject)
                {
                    throw new FormatException($"{name}.commonStructs holds something that is not an object");
                }

                string structName = RequiredString(structObject, "name", name + ".commonStructs");
                VersionRange structVersions = VersionRange.Parse(RequiredString(structObject, "versions", structName), structName + ".versions");
                DefineStruct(spec, structName, structVersions, ParseFields(spec, structObject, structName, structVersions), OptionalString(structObject, "about"));
            }
        }

        CheckStructReferences(spec, spec.Fields);
        foreach (StructSpec structSpec in spec.Structs)
        {
            CheckStructReferences(spec, structSpec.Fields);
        }

        NameStructClasses(spec);
        return spec;
    }

    private static List<FieldSpec> ParseFields(MessageSpec message, Dictionary<string, object?> owner, string ownerName, VersionRange ownerVersions)
    {
        var fields = new List<FieldSpec>();
        if (!owner.TryGetValue("fields", out object? value) || value is null)
        {
            return fields;
        }

        if (value is not List<object?> list)
        {
            throw new FormatException($"{ownerName}.fields is not an array");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var tags = new HashSet<int>();
        foreach (object? item in list)
        {
            if (item is not Dictionary<string, object?> fieldObject)
            {
                throw new FormatException($"{ownerName}.fields holds something that is not an object");
            }

            FieldSpec field = ParseField(message, fieldObject, ownerName);
            if (!names.Add(field.Name))
            {
                throw new FormatException($"{ownerName} has two fields named {field.Name}");
            }

            if (field.Tag is int tag && !tags.Add(tag))
            {
                throw new FormatException($"{ownerName} has two fields with tag {tag}");
            }

            fields.Add(field);
        }

        return fields;
    }

    private static FieldSpec ParseField(MessageSpec message, Dictionary<string, object?> fieldObject, string ownerName)
    {
        string name = RequiredString(fieldObject, "name", ownerName + ".fields");
        string where = ownerName + "." + name;
        if (!IsIdentifier(name))
        {
            throw new FormatException($"{where}: \"{name}\" is not a usable C# name");
        }

        string typeText = RequiredString(fieldObject, "type", where);
        FieldType type = ParseType(typeText, where);
        var field = new FieldSpec(name, type)
        {
            Versions = VersionRange.Parse(RequiredString(fieldObject, "versions", where), where + ".versions"),
            NullableVersions = VersionRange.Parse(OptionalString(fieldObject, "nullableVersions") ?? "none", where + ".nullableVersions"),
            TaggedVersions = VersionRange.Parse(OptionalString(fieldObject, "taggedVersions") ?? "none", where + ".taggedVersions"),
            Ignorable = fieldObject.TryGetValue("ignorable", out object? ignorable) && ignorable is true,
            About = OptionalString(fieldObject, "about"),
        };

        if (fieldObject.TryGetValue("default", out object? defaultValue) && defaultValue is not null)
        {
            field.Default = defaultValue as string ?? (defaultValue is bool b ? (b ? "true" : "false") : defaultValue.ToString());
        }

        if (fieldObject.TryGetValue("tag", out object? tagValue) && tagValue is not null)
        {
            field.Tag = checked((int)ParseInteger(tagValue, where + ".tag"));
        }

        string? flexibleOverride = OptionalString(fieldObject, "flexibleVersions");
        if (flexibleOverride is not null)
        {
            if (type.Kind is not (FieldKind.String or FieldKind.Bytes))
            {
                throw new FormatException($"{where}: only string and bytes fields may override flexibleVersions");
            }

            field.FlexibleVersions = VersionRange.Parse(flexibleOverride, where + ".flexibleVersions");
        }

        if (field.Tag.HasValue != !field.TaggedVersions.IsEmpty)
        {
            throw new FormatException($"{where}: a tag and taggedVersions go together");
        }

        if (!field.TaggedVersions.IsEmpty)
        {
            if (!field.TaggedVersions.IsOpenEnded)
            {
                throw new FormatException($"{where}.taggedVersions \"{field.TaggedVersions}\" must be open-ended");
            }

            if (!message.FlexibleVersions.Covers(field.TaggedVersions))
            {
                throw new FormatException($"{where}: tagged versions {field.TaggedVersions} lie outside the flexible versions {message.FlexibleVersions}");
            }

            if (type.Kind == FieldKind.Records)
            {
                throw new FormatException($"{where}: a records field cannot be tagged");
            }
        }

        if (!field.NullableVersions.IsEmpty && !(type.IsVariableLength || type.IsStruct))
        {
            throw new FormatException($"{where}: a {typeText} field cannot be nullable");
        }

        if (field.Default == "null" && field.NullableVersions.IsEmpty)
        {
            throw new FormatException($"{where}: a default of null needs nullableVersions");
        }

        if (fieldObject.TryGetValue("fields", out object? nested) && nested is not null)
        {
            FieldType structType = type.IsArray ? type.Element! : type;
            if (!structType.IsStruct)
            {
                throw new FormatException($"{where}: only struct fields may declare fields");
            }

            List<FieldSpec> structFields = ParseFields(message, fieldObject, structType.StructName!, field.Versions);
            DefineStruct(message, structType.StructName!, field.Versions, structFields, field.About);
        }

        return field;
    }

    private static FieldType ParseType(string text, string where)
    {
        if (text.StartsWith("[]", StringComparison.Ordinal))
        {
            FieldType element = ParseType(text.Substring(2), where);
            if (element.IsArray || element.Kind == FieldKind.Records)
            {
                throw new FormatException($"{where}: arrays of {text.Substring(2)} are not supported");
            }

            return new FieldType(FieldKind.Array, element);
        }

        switch (text)
        {
            case "bool": return new FieldType(FieldKind.Bool);
            case "int8": return new FieldType(FieldKind.Int8);
            case "int16": return new FieldType(FieldKind.Int16);
            case "uint16": return new FieldType(FieldKind.UInt16);
            case "int32": return new FieldType(FieldKind.Int32);
            case "uint32": return new FieldType(FieldKind.UInt32);
            case "int64": return new FieldType(FieldKind.Int64);
            case "float64": return new FieldType(FieldKind.Float64);
            case "string": return new FieldType(FieldKind.String);
            case "uuid": return new FieldType(FieldKind.Uuid);
            case "bytes": return new FieldType(FieldKind.Bytes);
            case "records": return new FieldType(FieldKind.Records);
        }

        if (text.Length > 0 && char.IsUpper(text[0]) && IsIdentifier(text))
        {
            return new FieldType(FieldKind.Struct, structName: text);
        }

        throw new FormatException($"{where}: unknown type \"{text}\"");
    }

    private static void DefineStruct(MessageSpec message, string name, VersionRange versions, List<FieldSpec> fields, string? about)
    {
        if (message.FindStruct(name) is not null)
        {
            throw new FormatException($"{message.Name} defines struct {name} twice");
        }

        message.Structs.Add(new StructSpec(name, versions, fields, about));
    }

    private static void CheckStructReferences(MessageSpec message, List<FieldSpec> fields)
    {
        foreach (FieldSpec field in fields)
        {
            FieldType type = field.Type.IsArray ? field.Type.Element! : field.Type;
            if (type.IsStruct && message.FindStruct(type.StructName!) is null)
            {
                throw new FormatException($"{message.Name}.{field.Name} names struct {type.StructName}, which the message does not define");
            }
        }
    }

    // C# forbids a nested class named like a member of its enclosing class (or like one of its own members), where
    // Java allows it: such a class takes the suffix "Data" (FetchRequest.ReplicaState is of type ReplicaStateData).
    private static void NameStructClasses(MessageSpec message)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal) { message.Name, "ApiKey", "LowestSupportedVersion", "HighestSupportedVersion", "IsFlexible", "Read", "Write" };
        foreach (FieldSpec field in message.Fields)
        {
            if (!taken.Add(field.Name))
            {
                throw new FormatException($"{message.Name}.{field.Name} collides with a generated member");
            }
        }

        foreach (StructSpec structSpec in message.Structs)
        {
            foreach (FieldSpec field in structSpec.Fields)
            {
                if (field.Name is "Read" or "Write" or "HasOnlyDefaults")
                {
                    throw new FormatException($"{structSpec.Name}.{field.Name} collides with a generated member");
                }
            }
        }

        var classNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (StructSpec structSpec in message.Structs)
        {
            string className = structSpec.Name;
            while (taken.Contains(className) || classNames.Contains(className) || structSpec.Fields.Exists(f => f.Name == className))
            {
                className += "Data";
            }

            structSpec.ClassName = className;
            classNames.Add(className);
        }
    }

    internal static long ParseInteger(object? value, string where)
    {
        string? text = value as string;
        if (text is null)
        {
            throw new FormatException($"{where} is not a number");
        }

        text = text.Trim();
        bool negative = text.StartsWith("-", StringComparison.Ordinal);
        string digits = negative ? text.Substring(1) : text;
        long parsed;
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            if (!long.TryParse(digits.Substring(2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out parsed))
            {
                throw new FormatException($"{where} \"{text}\" is not a number");
            }
        }
        else if (!long.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out parsed))
        {
            throw new FormatException($"{where} \"{text}\" is not a number");
        }

        return negative ? -parsed : parsed;
    }

    private static object RequiredScalar(Dictionary<string, object?> owner, string key, string where)
    {
        if (!owner.TryGetValue(key, out object? value) || value is null)
        {
            throw new FormatException($"{where} has no \"{key}\"");
        }

        return value;
    }

    private static string RequiredString(Dictionary<string, object?> owner, string key, string where)
    {
        return OptionalString(owner, key) ?? throw new FormatException($"{where} has no \"{key}\"");
    }

    private static string? OptionalString(Dictionary<string, object?> owner, string key)
    {
        if (!owner.TryGetValue(key, out object? value) || value is null)
        {
            return null;
        }

        return value as string ?? throw new FormatException($"\"{key}\" is not a string");
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
