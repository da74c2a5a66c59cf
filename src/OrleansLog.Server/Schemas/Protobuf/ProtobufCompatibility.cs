using Google.Protobuf.Reflection;

namespace OrleansLog.Schemas;

/// <summary>
/// Decides whether a reader's <c>.proto</c> schema can read what a writer's wrote, following Confluent's Protobuf diff
/// (<c>io.confluent.kafka.schemaregistry.protobuf.diff</c>): what it flags incompatible is a problem here, what it accepts passes.
/// </summary>
/// <remarks>
/// Problems (reader = the schema that reads, writer = the one data was written with):
/// <list type="bullet">
/// <item>The <c>syntax</c> changed (proto2/proto3), or the <c>package</c> changed.</item>
/// <item>A message of the writer (top level or nested, by name) is missing from the reader: removed or renamed.</item>
/// <item>A field number kept on both sides whose type changed kind (scalar or enum, message, map), or changed between scalar
///   groups that do not share a wire encoding. The compatible groups: int32/uint32/int64/uint64/bool (and enums);
///   sint32/sint64; fixed32/sfixed32; fixed64/sfixed64; string/bytes; float and double each alone.</item>
/// <item>A field whose message type was renamed, or whose message type is itself incompatible (compared recursively); map
///   keys and values are compared like fields.</item>
/// <item>A numeric field changed between singular and repeated (string, bytes and message fields may change).</item>
/// <item>A required (proto2) field added, removed, or made required in the reader.</item>
/// <item>More than one field moved into one oneof, or a field moved into a oneof that already existed; a field removed from
///   (or moved out of) a oneof the reader keeps.</item>
/// </list>
/// Fine: fields and messages added, optional fields removed, fields renamed (the number is what is written), enums and enum
/// values added or removed, a whole oneof added or removed, one field moved into a new oneof, messages reordered.
/// </remarks>
internal sealed class ProtobufCompatibility
{
    private readonly ParsedProtobufSchema _reader;
    private readonly ParsedProtobufSchema _writer;
    private readonly List<string> _problems = [];
    private readonly HashSet<(DescriptorProto, DescriptorProto)> _comparing = [];

    private ProtobufCompatibility(ParsedProtobufSchema reader, ParsedProtobufSchema writer)
    {
        _reader = reader;
        _writer = writer;
    }

    /// <summary>Why <paramref name="reader"/> cannot read every message written with <paramref name="writer"/>; empty when it can.</summary>
    public static IReadOnlyList<string> ReadProblems(ParsedProtobufSchema reader, ParsedProtobufSchema writer)
    {
        var check = new ProtobufCompatibility(reader, writer);
        var (readerSyntax, writerSyntax) = (Syntax(reader.File), Syntax(writer.File));
        if (readerSyntax != writerSyntax)
        {
            check._problems.Add($"syntax changed from {writerSyntax} to {readerSyntax}");
        }

        var (readerPackage, writerPackage) = (reader.File.Package ?? "", writer.File.Package ?? "");
        if (readerPackage != writerPackage)
        {
            check._problems.Add($"package changed from '{writerPackage}' to '{readerPackage}'");
        }

        check.CompareMessages(reader.File.MessageTypes, writer.File.MessageTypes, "");
        return check._problems.Distinct(StringComparer.Ordinal).ToList();
    }

    private void CompareMessages(IEnumerable<DescriptorProto> readerMessages, IEnumerable<DescriptorProto> writerMessages, string prefix)
    {
        var readerByName = readerMessages.Where(message => !IsMapEntry(message)).ToDictionary(message => message.Name, StringComparer.Ordinal);
        foreach (var writerMessage in writerMessages.Where(message => !IsMapEntry(message)))
        {
            var path = prefix + writerMessage.Name;
            if (!readerByName.TryGetValue(writerMessage.Name, out var readerMessage))
            {
                _problems.Add($"message {path}: removed (or renamed) in the reader, which then has no type for data written as {path}");
                continue;
            }

            CompareMessage(readerMessage, writerMessage, path);
            CompareMessages(readerMessage.NestedTypes, writerMessage.NestedTypes, path + ".");
        }
    }

    private void CompareMessage(DescriptorProto reader, DescriptorProto writer, string path)
    {
        // A message reached again through its own fields is already being compared.
        if (!_comparing.Add((reader, writer)))
        {
            return;
        }

        try
        {
            CompareFields(reader, writer, path);
        }
        finally
        {
            _comparing.Remove((reader, writer));
        }
    }

    private void CompareFields(DescriptorProto reader, DescriptorProto writer, string path)
    {
        var writerRegular = writer.Fields.Where(field => OneofName(writer, field) is null).ToDictionary(field => field.Number);
        var readerRegular = reader.Fields.Where(field => OneofName(reader, field) is null).ToDictionary(field => field.Number);
        var writerOneofs = Oneofs(writer);
        var readerOneofs = Oneofs(reader);
        var writerOneofNumbers = writerOneofs.Values.SelectMany(fields => fields).Select(field => field.Number).ToHashSet();

        foreach (var (oneof, fields) in readerOneofs)
        {
            var moved = fields.Where(field => writerRegular.ContainsKey(field.Number)).ToList();
            var existing = fields.Count(field => writerOneofNumbers.Contains(field.Number));
            if (moved.Count > 1)
            {
                _problems.Add($"{path} oneof '{oneof}': fields {string.Join(", ", moved.Select(field => field.Number))} moved into one oneof (data written with several of them set keeps only one)");
            }
            else if (moved.Count == 1 && existing > 0)
            {
                _problems.Add($"{path} oneof '{oneof}': field {moved[0].Number} '{moved[0].Name}' moved into an existing oneof (data written with it and another member set keeps only one)");
            }

            foreach (var field in moved)
            {
                CompareField(field, writerRegular[field.Number], path);
                writerRegular.Remove(field.Number);
            }
        }

        foreach (var (oneof, writerFields) in writerOneofs)
        {
            if (!readerOneofs.TryGetValue(oneof, out var readerFields))
            {
                // The whole oneof is gone: its fields are removed, or read as the regular fields they became.
                foreach (var writerField in writerFields.Where(field => readerRegular.ContainsKey(field.Number)))
                {
                    CompareField(readerRegular[writerField.Number], writerField, path);
                }

                continue;
            }

            foreach (var writerField in writerFields)
            {
                if (readerFields.Find(field => field.Number == writerField.Number) is { } readerField)
                {
                    CompareField(readerField, writerField, path);
                }
                else
                {
                    var change = readerRegular.ContainsKey(writerField.Number) ? "moved out of" : "removed from";
                    _problems.Add($"{FieldPath(path, writerField)}: {change} oneof '{oneof}', which the reader keeps");
                }
            }
        }

        foreach (var (number, writerField) in writerRegular)
        {
            if (readerRegular.TryGetValue(number, out var readerField))
            {
                CompareField(readerField, writerField, path);
            }
            else if (writerField.label == FieldDescriptorProto.Label.LabelRequired)
            {
                _problems.Add($"{FieldPath(path, writerField)}: required field removed");
            }
        }

        foreach (var (number, readerField) in readerRegular)
        {
            if (!writerRegular.ContainsKey(number) && !writerOneofNumbers.Contains(number) && readerField.label == FieldDescriptorProto.Label.LabelRequired)
            {
                _problems.Add($"{FieldPath(path, readerField)}: required field added (the writer's data lacks it)");
            }
        }
    }

    private void CompareField(FieldDescriptorProto reader, FieldDescriptorProto writer, string path)
    {
        var at = FieldPath(path, reader);
        if (reader.label == FieldDescriptorProto.Label.LabelRequired && writer.label != FieldDescriptorProto.Label.LabelRequired)
        {
            _problems.Add($"{at}: became required (the writer's data may lack it)");
        }

        var repeatedChanged = (reader.label == FieldDescriptorProto.Label.LabelRepeated) != (writer.label == FieldDescriptorProto.Label.LabelRepeated);
        CompareTypes(reader, writer, at, repeatedChanged);
    }

    private void CompareTypes(FieldDescriptorProto reader, FieldDescriptorProto writer, string at, bool repeatedChanged)
    {
        var readerMap = MapEntry(_reader, reader);
        var writerMap = MapEntry(_writer, writer);
        var (readerKind, writerKind) = (Kind(_reader, reader, readerMap), Kind(_writer, writer, writerMap));
        if (readerKind != writerKind)
        {
            _problems.Add($"{at}: type changed from {Describe(_writer, writer)} ({writerKind}) to {Describe(_reader, reader)} ({readerKind})");
            return;
        }

        switch (readerKind)
        {
            case "map":
                CompareTypes(readerMap!.Fields[0], writerMap!.Fields[0], at + " key", repeatedChanged: false);
                CompareTypes(readerMap.Fields[1], writerMap.Fields[1], at + " value", repeatedChanged: false);
                break;
            case "message":
                var readerName = LocalName(_reader, reader.TypeName);
                var writerName = LocalName(_writer, writer.TypeName);
                if (readerName != writerName)
                {
                    _problems.Add($"{at}: message type changed from {writerName} to {readerName}");
                }
                else if (_reader.Types.GetValueOrDefault(reader.TypeName)?.Message is { } readerMessage
                    && _writer.Types.GetValueOrDefault(writer.TypeName)?.Message is { } writerMessage)
                {
                    CompareMessage(readerMessage, writerMessage, at.Split(' ')[0]);
                }

                break;
            default:
                var (readerGroup, writerGroup) = (ScalarGroup(reader), ScalarGroup(writer));
                if (readerGroup != writerGroup)
                {
                    _problems.Add($"{at}: the reader's type {Describe(_reader, reader)} cannot read the writer's {Describe(_writer, writer)} (different wire encodings)");
                }
                else if (repeatedChanged && readerGroup != "string/bytes")
                {
                    var (from, to) = writer.label == FieldDescriptorProto.Label.LabelRepeated ? ("repeated", "singular") : ("singular", "repeated");
                    _problems.Add($"{at}: numeric field changed from {from} to {to}");
                }

                break;
        }
    }

    private static string Kind(ParsedProtobufSchema schema, FieldDescriptorProto field, DescriptorProto? mapEntry) =>
        mapEntry is not null ? "map"
        : field.type is FieldDescriptorProto.Type.TypeMessage or FieldDescriptorProto.Type.TypeGroup && schema.Types.GetValueOrDefault(field.TypeName)?.Message is not null ? "message"
        : "scalar";

    private static DescriptorProto? MapEntry(ParsedProtobufSchema schema, FieldDescriptorProto field) =>
        field.label == FieldDescriptorProto.Label.LabelRepeated && schema.Types.GetValueOrDefault(field.TypeName)?.Message is { } message && IsMapEntry(message)
            ? message
            : null;

    // Scalars that share a wire encoding, so each reads what the others wrote (protobuf's "updating a message type" rules).
    private static string ScalarGroup(FieldDescriptorProto field) => field.type switch
    {
        FieldDescriptorProto.Type.TypeInt32 or FieldDescriptorProto.Type.TypeUint32 or FieldDescriptorProto.Type.TypeInt64
            or FieldDescriptorProto.Type.TypeUint64 or FieldDescriptorProto.Type.TypeBool or FieldDescriptorProto.Type.TypeEnum => "varint",
        FieldDescriptorProto.Type.TypeSint32 or FieldDescriptorProto.Type.TypeSint64 => "zigzag",
        FieldDescriptorProto.Type.TypeFixed32 or FieldDescriptorProto.Type.TypeSfixed32 => "fixed32",
        FieldDescriptorProto.Type.TypeFixed64 or FieldDescriptorProto.Type.TypeSfixed64 => "fixed64",
        FieldDescriptorProto.Type.TypeString or FieldDescriptorProto.Type.TypeBytes => "string/bytes",
        FieldDescriptorProto.Type.TypeFloat => "float",
        FieldDescriptorProto.Type.TypeDouble => "double",
        _ => field.type.ToString(),
    };

    private static string Describe(ParsedProtobufSchema schema, FieldDescriptorProto field) => field.type switch
    {
        FieldDescriptorProto.Type.TypeMessage or FieldDescriptorProto.Type.TypeGroup or FieldDescriptorProto.Type.TypeEnum => LocalName(schema, field.TypeName),
        _ => field.type.ToString()["Type".Length..].ToLowerInvariant(),
    };

    // The type's name without its package, so a type that moved with a package change compares by its own name.
    private static string LocalName(ParsedProtobufSchema schema, string typeName)
    {
        var package = schema.Types.GetValueOrDefault(typeName)?.Package ?? "";
        var name = typeName.TrimStart('.');
        return package.Length > 0 && name.StartsWith(package + ".", StringComparison.Ordinal) ? name[(package.Length + 1)..] : name;
    }

    private static string FieldPath(string path, FieldDescriptorProto field) => $"{path}.{field.Name} (field {field.Number})";

    // The real oneof a field belongs to; proto3 'optional' fields sit in a synthetic oneof that is not one.
    private static string? OneofName(DescriptorProto message, FieldDescriptorProto field) =>
        field.ShouldSerializeOneofIndex() && !field.Proto3Optional && field.OneofIndex < message.OneofDecls.Count
            ? message.OneofDecls[field.OneofIndex].Name
            : null;

    private static Dictionary<string, List<FieldDescriptorProto>> Oneofs(DescriptorProto message) =>
        message.Fields.Select(field => (Field: field, Oneof: OneofName(message, field)))
            .Where(pair => pair.Oneof is not null)
            .GroupBy(pair => pair.Oneof!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(pair => pair.Field).ToList(), StringComparer.Ordinal);

    private static bool IsMapEntry(DescriptorProto message) => message.Options?.MapEntry == true;

    private static string Syntax(FileDescriptorProto file) => string.IsNullOrEmpty(file.Syntax) ? "proto2" : file.Syntax;
}
