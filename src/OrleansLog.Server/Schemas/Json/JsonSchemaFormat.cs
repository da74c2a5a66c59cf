using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansLog.Schemas;

/// <summary>
/// JSON Schema (Confluent's <c>JSON</c> type): a JSON object or boolean, parsed with System.Text.Json, checked for well-formed
/// keywords and resolvable <c>$ref</c>s (local definitions and the referenced documents, by the names they are referenced under).
/// </summary>
internal sealed class JsonSchemaFormat : ISchemaFormat
{
    private static readonly JsonDocumentOptions s_documentOptions = new() { AllowDuplicateProperties = false, MaxDepth = 256 };

    /// <inheritdoc />
    public SchemaType Type => SchemaType.Json;

    /// <inheritdoc />
    public ParsedSchema Parse(string text, IReadOnlyList<ResolvedReference> references)
    {
        var main = new JsonSchemaDocument(null, ParseDocument(text, "the schema"));
        var referenced = references.Select(reference => new JsonSchemaDocument(reference.Name, ParseDocument(reference.Text, $"referenced schema '{reference.Name}'"))).ToList();
        var resolver = new JsonSchemaResolver(main, referenced);
        foreach (var document in resolver.Documents)
        {
            JsonSchemaKeywords.Validate(document, resolver);
        }

        return new ParsedJsonSchema(resolver);
    }

    private static JsonNode ParseDocument(string text, string what)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: s_documentOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            throw new SchemaRegistryException(SchemaRegistryException.Codes.InvalidSchema, $"Invalid JSON Schema: {what} is not valid JSON{where}: {e.Message}");
        }

        if (root is JsonObject || root?.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return root!;
        }

        throw new SchemaRegistryException(
            SchemaRegistryException.Codes.InvalidSchema,
            $"Invalid JSON Schema: {what} must be a JSON object or boolean, not {root?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}.");
    }
}
