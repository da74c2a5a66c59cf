using NJsonSchema;
using NJsonSchema.References;
using OrleansLog.Schemas;
using RegistrySchema = OrleansLog.Schemas.Schema;
using SchemaType = OrleansLog.Schemas.SchemaType;

namespace OrleansLog.Client.Schemas;

/// <summary>Parses registered JSON Schema documents with NJsonSchema, resolving their <c>$ref</c>s to other subjects as Confluent's serdes do.</summary>
internal static class JsonSchemas
{
    // The document path every schema is parsed at. A relative $ref ("address.json") resolves against it to a path under this
    // directory, which names a reference, never a file on disk: the resolver below answers only from the schema's references.
    private const string Root = "/orleanslog-schema-registry/";
    private const string DocumentPath = Root + "schema.json";

    private static readonly IReadOnlyDictionary<string, JsonSchema> NoReferences = new Dictionary<string, JsonSchema>();

    /// <summary>
    /// Parses a registered schema, with the schemas it references (their references first, each version once) standing for the <c>$ref</c>s that
    /// name them. <paramref name="what"/> names the schema in errors.
    /// </summary>
    /// <exception cref="SchemaSerializationException">The schema, or one it references, is not JSON Schema or does not parse.</exception>
    public static async Task<JsonSchema> ParseAsync(SchemaRegistryClient registry, RegistrySchema schema, string what, CancellationToken cancellationToken)
    {
        ThrowIfNotJson(schema, what);
        var references = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        if (schema.References.Count > 0)
        {
            // Each referenced version is parsed once, with the ones it references already bound to their names, and then bound to every
            // name it is referenced by.
            foreach (var referenced in await registry.GetReferencedAsync(schema.References, cancellationToken).ConfigureAwait(false))
            {
                var which = referenced.Which(what);
                ThrowIfNotJson(referenced.Schema, which);
                var parsed = await ParseAsync(referenced.Schema.Text, references, which, cancellationToken).ConfigureAwait(false);
                referenced.Names.ForEach(name => references[name] = parsed);
            }
        }

        return await ParseAsync(schema.Text, references, what, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Parses a JSON Schema document that references no other schema.</summary>
    /// <exception cref="SchemaSerializationException">The text is not a JSON Schema document.</exception>
    public static Task<JsonSchema> ParseAsync(string text, string what, CancellationToken cancellationToken) =>
        ParseAsync(text, NoReferences, what, cancellationToken);

    private static async Task<JsonSchema> ParseAsync(string text, IReadOnlyDictionary<string, JsonSchema> references, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSchema.FromJsonAsync(text, DocumentPath, root => new ReferenceResolver(root, references), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            // NJsonSchema wraps the resolver's answer in its own "could not resolve" message; the inner one says which reference is missing.
            var why = e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message;
            throw new SchemaSerializationException(Errors.ErrorCode.InvalidRecord, $"{char.ToUpperInvariant(what[0])}{what[1..]} is not a JSON Schema document NJsonSchema can read: {why}", e);
        }
    }

    private static void ThrowIfNotJson(RegistrySchema schema, string what)
    {
        if (schema.Type != SchemaType.Json)
        {
            throw new SchemaSerializationException(
                Errors.ErrorCode.InvalidRecord,
                $"{char.ToUpperInvariant(what[0])}{what[1..]} is a {ConfluentNames.Of(schema.Type)} schema, not JSON.");
        }
    }

    // Answers file and URL $refs from the schema's references, by the name each was registered with; nothing is read from disk or the network.
    private sealed class ReferenceResolver(JsonSchema root, IReadOnlyDictionary<string, JsonSchema> references)
        : JsonReferenceResolver(new JsonSchemaAppender(root, new DefaultTypeNameGenerator()))
    {
        // NJsonSchema hands over the $ref resolved against the document path ("/orleanslog-schema-registry/common/address.json", with a drive
        // and backslashes on Windows); relative to the root again, with forward slashes, it is the name the reference was registered with.
        public override Task<IJsonReference> ResolveFileReferenceAsync(string filePath, CancellationToken cancellationToken = default) =>
            Find(Path.GetRelativePath(Path.GetFullPath(Root), Path.GetFullPath(filePath)).Replace(Path.DirectorySeparatorChar, '/'));

        public override Task<IJsonReference> ResolveUrlReferenceAsync(string url, CancellationToken cancellationToken = default) => Find(url);

        private Task<IJsonReference> Find(string name) => references.TryGetValue(name, out var schema)
            ? Task.FromResult<IJsonReference>(schema)
            : throw new NotSupportedException($"$ref '{name}' names none of the schema's references ({(references.Count == 0 ? "it has none" : string.Join(", ", references.Keys))}); register the schema with a reference of that name.");
    }
}
