using System.Text.Json.Nodes;

namespace OrleansLog.Schemas;

/// <summary>
/// One JSON Schema document: the schema being registered (<see cref="Name"/> null) or a referenced one under the name
/// the referring schema uses in <c>$ref</c>. <see cref="BaseUri"/> resolves relative <c>$ref</c>s made inside it.
/// </summary>
internal sealed class JsonSchemaDocument
{
    /// <summary>Creates the document; its base URI is its absolute <c>$id</c>, else its name when that is an absolute URI.</summary>
    public JsonSchemaDocument(string? name, JsonNode root)
    {
        Name = name;
        Root = root;
        Id = root is JsonObject obj && obj["$id"] is JsonValue id && id.TryGetValue(out string? text) ? text : null;
        BaseUri = AbsoluteUri(Id) ?? AbsoluteUri(name);
    }

    /// <summary>The reference name (null for the schema being registered).</summary>
    public string? Name { get; }

    /// <summary>The document's root schema.</summary>
    public JsonNode Root { get; }

    /// <summary>The document's own <c>$id</c>, if it declares one.</summary>
    public string? Id { get; }

    /// <summary>The absolute URI relative references inside this document resolve against, if it has one.</summary>
    public Uri? BaseUri { get; }

    /// <summary><paramref name="text"/> as an absolute URI without its fragment, or null when it is not absolute.</summary>
    public static Uri? AbsoluteUri(string? text)
    {
        if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return null;
        }

        // "file:" URIs come out of rooted paths on some platforms; only real URLs and URNs identify documents.
        return uri.IsFile ? null : WithoutFragment(uri);
    }

    /// <summary><paramref name="uri"/> without its fragment, so "a.json#" and "a.json" name the same document.</summary>
    public static Uri WithoutFragment(Uri uri) =>
        uri.Fragment.Length == 0 ? uri : new Uri(uri.GetLeftPart(UriPartial.Query), UriKind.Absolute);
}
