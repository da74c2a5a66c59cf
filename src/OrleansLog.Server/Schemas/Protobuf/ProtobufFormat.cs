using Google.Protobuf.Reflection;

namespace OrleansLog.Schemas;

/// <summary>
/// Protobuf (Confluent's <c>PROTOBUF</c> type): a <c>.proto</c> file, parsed with protobuf-net.Reflection. Each reference is
/// added as a file under its name (the import path), then the schema itself; imports resolve only to those files and to the
/// well-known <c>google/protobuf/*.proto</c> types the parser carries, never to the silo's disk.
/// </summary>
internal sealed class ProtobufFormat : ISchemaFormat
{
    /// <summary>The file name the registered schema is parsed under, chosen so it cannot collide with a real import path.</summary>
    internal const string MainFileName = "<schema>.proto";

    /// <inheritdoc />
    public SchemaType Type => SchemaType.Protobuf;

    /// <inheritdoc />
    public ParsedSchema Parse(string text, IReadOnlyList<ResolvedReference> references)
    {
        var set = new FileDescriptorSet { FileSystem = NoFileSystem.Instance };
        foreach (var reference in references)
        {
            if (!set.Add(reference.Name, includeInOutput: false, new StringReader(reference.Text)))
            {
                throw Invalid($"the reference '{reference.Name}' is given twice; name each imported file once");
            }
        }

        set.Add(MainFileName, includeInOutput: true, new StringReader(text));
        set.Process();
        var errors = set.GetErrors().Where(error => error.IsError).ToList();
        if (errors.Count > 0)
        {
            throw Invalid(string.Join("; ", errors.Take(5).Select(error =>
                $"{(error.File == MainFileName ? "" : $"in '{error.File}' ")}line {error.LineNumber}, column {error.ColumnNumber}: {error.Message}")));
        }

        var main = set.Files.Single(file => file.Name == MainFileName);
        return new ParsedProtobufSchema(Canonicalize(text), main, set.Files);
    }

    /// <summary>
    /// The canonical text: line endings normalized to <c>\n</c>, trailing whitespace trimmed from every line and leading and
    /// trailing blank lines dropped. Comments, indentation and declaration order are kept: the registry serves the text back
    /// to clients that generate code from it.
    /// </summary>
    internal static string Canonicalize(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => line.TrimEnd())).Trim('\n');

    private static SchemaRegistryException Invalid(string problem) =>
        new(SchemaRegistryException.Codes.InvalidSchema, $"Invalid Protobuf schema: {problem}. Fix the .proto text, or register the files it imports and list them as references named by their import paths.");

    /// <summary>A file system with no files, so an import not given as a reference fails instead of reading the silo's disk.</summary>
    private sealed class NoFileSystem : IFileSystem
    {
        public static readonly NoFileSystem Instance = new();

        public bool Exists(string path) => false;

        public TextReader? OpenText(string path) => null;
    }
}
