using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansLog.Schemas;

/// <summary>
/// A parsed JSON Schema. Canonical: compact JSON in the author's key order. Normalized: compact JSON with the keys of every
/// object sorted (ordinal), so schemas that differ only in key order share an id under <c>normalize=true</c>.
/// </summary>
internal sealed class ParsedJsonSchema : ParsedSchema
{
    // Relaxed escaping keeps non-ASCII text as written, as Confluent's Jackson output does; it is never embedded in HTML.
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    private readonly Lazy<string> _normalized;

    /// <summary>Wraps a schema whose documents and references were checked by <see cref="JsonSchemaFormat"/>.</summary>
    public ParsedJsonSchema(JsonSchemaResolver resolver)
    {
        Resolver = resolver;
        Canonical = resolver.Main.Root.ToJsonString(s_compact);
        _normalized = new(() => Sorted(resolver.Main.Root)!.ToJsonString(s_compact));
    }

    /// <summary>The schema's documents, for comparing against another schema.</summary>
    public JsonSchemaResolver Resolver { get; }

    /// <inheritdoc />
    public override SchemaType Type => SchemaType.Json;

    /// <inheritdoc />
    public override string Canonical { get; }

    /// <inheritdoc />
    public override string Normalized => _normalized.Value;

    /// <inheritdoc />
    public override IReadOnlyList<string> ReadProblems(ParsedSchema writer) => writer is ParsedJsonSchema json
        ? JsonSchemaCompatibility.ReadProblems(Resolver, json.Resolver)
        : [$"#: the writer's schema is {writer.Type}, not JSON Schema"];

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(member => member.Key, StringComparer.Ordinal)
            .Select(member => KeyValuePair.Create(member.Key, Sorted(member.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        _ => node?.DeepClone(),
    };
}
