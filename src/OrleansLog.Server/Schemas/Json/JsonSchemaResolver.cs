using System.Text.Json.Nodes;

namespace OrleansLog.Schemas;

/// <summary>
/// Resolves <c>$ref</c>s across a schema and the documents it references: a local pointer (<c>#/definitions/X</c>,
/// <c>#/$defs/X</c>), an <c>$anchor</c>, or another document by the name it was referenced under (or its <c>$id</c>),
/// optionally followed by a pointer into it.
/// </summary>
internal sealed class JsonSchemaResolver(JsonSchemaDocument main, IReadOnlyList<JsonSchemaDocument> references)
{
    // A chain of schemas that only point at each other never reaches a schema; stop following it.
    private const int MaxRefHops = 64;

    /// <summary>The schema being registered.</summary>
    public JsonSchemaDocument Main { get; } = main;

    /// <summary>Every document: the main one first, then the references.</summary>
    public IEnumerable<JsonSchemaDocument> Documents => references.Prepend(Main);

    /// <summary>The schema <paramref name="reference"/> (a <c>$ref</c> value) points at from inside <paramref name="from"/>, or null when nothing matches.</summary>
    public (JsonNode Node, JsonSchemaDocument Document)? Resolve(string reference, JsonSchemaDocument from)
    {
        var hash = reference.IndexOf('#', StringComparison.Ordinal);
        var location = hash < 0 ? reference : reference[..hash];
        var fragment = hash < 0 ? "" : reference[(hash + 1)..];
        var document = location.Length == 0 ? from : FindDocument(location, from);
        if (document is null)
        {
            return null;
        }

        var node = fragment.Length == 0 ? document.Root
            : fragment[0] == '/' ? FollowPointer(document.Root, fragment)
            : FindAnchor(document.Root, Uri.UnescapeDataString(fragment));
        return node is null ? null : (node, document);
    }

    /// <summary>
    /// Follows <paramref name="node"/>'s <c>$ref</c> (and the <c>$ref</c> of what it points at) to a schema that is not only a
    /// reference. Keywords beside a <c>$ref</c> are ignored, as in draft 7 and Confluent's validator.
    /// </summary>
    public (JsonNode Node, JsonSchemaDocument Document)? Dereference(JsonNode node, JsonSchemaDocument document)
    {
        for (var hop = 0; hop < MaxRefHops; hop++)
        {
            if (node is not JsonObject obj || obj["$ref"] is not JsonValue refValue || !refValue.TryGetValue(out string? reference))
            {
                return (node, document);
            }

            if (Resolve(reference, document) is not { } target)
            {
                return null;
            }

            (node, document) = target;
        }

        return null;
    }

    private JsonSchemaDocument? FindDocument(string location, JsonSchemaDocument from)
    {
        var absolute = from.BaseUri is { } baseUri && Uri.TryCreate(baseUri, location, out var resolved)
            ? JsonSchemaDocument.WithoutFragment(resolved)
            : JsonSchemaDocument.AbsoluteUri(location);
        foreach (var document in Documents)
        {
            if (document.Name == location || document.Id == location
                || (absolute is not null && (absolute == JsonSchemaDocument.AbsoluteUri(document.Name) || absolute == JsonSchemaDocument.AbsoluteUri(document.Id))))
            {
                return document;
            }
        }

        return null;
    }

    private static JsonNode? FollowPointer(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var rawToken in pointer[1..].Split('/'))
        {
            var token = Uri.UnescapeDataString(rawToken).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject obj => obj.TryGetPropertyValue(token, out var child) ? child : null,
                JsonArray array => int.TryParse(token, out var index) && index >= 0 && index < array.Count ? array[index] : null,
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    private static JsonNode? FindAnchor(JsonNode node, string anchor)
    {
        if (node is JsonObject obj)
        {
            if ((obj["$anchor"] is JsonValue a && a.TryGetValue(out string? name) && name == anchor)
                || (obj["$id"] is JsonValue id && id.TryGetValue(out string? idText) && idText == "#" + anchor))
            {
                return obj;
            }

            foreach (var (_, child) in obj)
            {
                if (child is not null && FindAnchor(child, anchor) is { } found)
                {
                    return found;
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var child in array)
            {
                if (child is not null && FindAnchor(child, anchor) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }
}
