using Google.Protobuf.Reflection;

namespace OrleansLog.Schemas;

/// <summary>
/// A parsed <c>.proto</c> schema. <see cref="Canonical"/> is the text with line endings normalized and trailing whitespace
/// trimmed (see <see cref="ProtobufFormat.Canonicalize"/>); <see cref="Normalized"/> is the same text, since the parser cannot
/// print a <c>.proto</c> back from its descriptors.
/// </summary>
internal sealed class ParsedProtobufSchema : ParsedSchema
{
    /// <summary>Wraps the parsed main file and every file it could reach (references and well-known imports).</summary>
    public ParsedProtobufSchema(string canonical, FileDescriptorProto file, IEnumerable<FileDescriptorProto> files)
    {
        Canonical = canonical;
        File = file;
        foreach (var each in files)
        {
            var prefix = string.IsNullOrEmpty(each.Package) ? "." : $".{each.Package}.";
            foreach (var message in each.MessageTypes)
            {
                AddMessage(prefix + message.Name, message, each.Package ?? "");
            }

            foreach (var enumType in each.EnumTypes)
            {
                Types[prefix + enumType.Name] = new ProtobufType(null, each.Package ?? "");
            }
        }
    }

    /// <summary>The registered file.</summary>
    public FileDescriptorProto File { get; }

    /// <summary>Every message and enum the schema can reach, by fully qualified name (<c>.package.Outer.Inner</c>); enums have no descriptor.</summary>
    public Dictionary<string, ProtobufType> Types { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override SchemaType Type => SchemaType.Protobuf;

    /// <inheritdoc />
    public override string Canonical { get; }

    /// <inheritdoc />
    public override string Normalized => Canonical;

    /// <inheritdoc />
    public override IReadOnlyList<string> ReadProblems(ParsedSchema writer) => writer is ParsedProtobufSchema proto
        ? ProtobufCompatibility.ReadProblems(this, proto)
        : [$"the writer's schema is {writer.Type}, not Protobuf"];

    private void AddMessage(string fullName, DescriptorProto message, string package)
    {
        Types[fullName] = new ProtobufType(message, package);
        foreach (var nested in message.NestedTypes)
        {
            AddMessage($"{fullName}.{nested.Name}", nested, package);
        }

        foreach (var enumType in message.EnumTypes)
        {
            Types[$"{fullName}.{enumType.Name}"] = new ProtobufType(null, package);
        }
    }
}
