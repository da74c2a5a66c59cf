using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OrleansLog.Schemas;

/// <summary>
/// Checks that a JSON Schema document is well formed: every schema position holds an object or boolean, the keywords the
/// registry compares have the right JSON types, patterns compile and every <c>$ref</c> resolves. Unknown keywords are
/// annotations and pass, as JSON Schema allows.
/// </summary>
internal static class JsonSchemaKeywords
{
    /// <summary>The type names JSON Schema defines.</summary>
    public static readonly IReadOnlySet<string> TypeNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "null", "boolean", "object", "array", "number", "string", "integer",
    };

    /// <summary>Keywords that restrict which instances are valid; any other keyword (title, description, default, format...) only annotates.</summary>
    public static readonly IReadOnlySet<string> Constraints = new HashSet<string>(StringComparer.Ordinal)
    {
        "type", "enum", "const", "properties", "patternProperties", "additionalProperties", "required", "propertyNames",
        "minProperties", "maxProperties", "dependencies", "dependentRequired", "dependentSchemas", "items", "prefixItems",
        "additionalItems", "contains", "minContains", "maxContains", "minItems", "maxItems", "uniqueItems", "minLength",
        "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "allOf", "anyOf",
        "oneOf", "not", "if", "then", "else", "$ref", "unevaluatedProperties", "unevaluatedItems",
    };

    // Patterns come from users; a pathological one must not stall a registration.
    private static readonly TimeSpan s_regexTimeout = TimeSpan.FromMilliseconds(200);

    /// <summary>Throws 42201 naming the place and the rule when <paramref name="document"/> is not a well-formed schema.</summary>
    public static void Validate(JsonSchemaDocument document, JsonSchemaResolver resolver)
    {
        var where = document.Name is null ? "" : $" in referenced schema '{document.Name}'";
        CheckSchema(document.Root, "#", document, resolver, where);
    }

    /// <summary>A compiled <paramref name="pattern"/> (ECMA 262 patterns are read with .NET's dialect, which agrees on the common subset), or null when it does not compile.</summary>
    public static Regex? TryCompile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, s_regexTimeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static void CheckSchema(JsonNode? node, string path, JsonSchemaDocument document, JsonSchemaResolver resolver, string where)
    {
        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }

        if (node is not JsonObject obj)
        {
            throw Invalid(path, where, $"a schema must be a JSON object or boolean, not {Describe(node)}");
        }

        foreach (var (key, child) in obj)
        {
            var at = $"{path}/{Escape(key)}";
            switch (key)
            {
                case "type":
                    CheckType(child, at, where);
                    break;
                case "properties" or "patternProperties" or "definitions" or "$defs" or "dependentSchemas":
                    var members = child as JsonObject ?? throw Invalid(at, where, $"'{key}' must be an object of schemas");
                    foreach (var (name, member) in members)
                    {
                        if (key == "patternProperties" && TryCompile(name) is null)
                        {
                            throw Invalid(at, where, $"the pattern '{name}' is not a valid regular expression");
                        }

                        CheckSchema(member, $"{at}/{Escape(name)}", document, resolver, where);
                    }

                    break;
                case "required":
                    CheckStrings(child, at, where, key);
                    break;
                case "dependentRequired":
                    foreach (var (name, member) in child as JsonObject ?? throw Invalid(at, where, "'dependentRequired' must be an object of string arrays"))
                    {
                        CheckStrings(member, $"{at}/{Escape(name)}", where, key);
                    }

                    break;
                case "dependencies":
                    foreach (var (name, member) in child as JsonObject ?? throw Invalid(at, where, "'dependencies' must be an object"))
                    {
                        if (member is JsonArray)
                        {
                            CheckStrings(member, $"{at}/{Escape(name)}", where, key);
                        }
                        else
                        {
                            CheckSchema(member, $"{at}/{Escape(name)}", document, resolver, where);
                        }
                    }

                    break;
                case "additionalProperties" or "additionalItems" or "contains" or "not" or "if" or "then" or "else" or "propertyNames"
                    or "unevaluatedProperties" or "unevaluatedItems":
                    CheckSchema(child, at, document, resolver, where);
                    break;
                case "items" when child is JsonArray:
                case "prefixItems" or "allOf" or "anyOf" or "oneOf":
                    var items = child as JsonArray ?? throw Invalid(at, where, $"'{key}' must be an array of schemas");
                    if (items.Count == 0 && key is "allOf" or "anyOf" or "oneOf")
                    {
                        throw Invalid(at, where, $"'{key}' must hold at least one schema");
                    }

                    for (var i = 0; i < items.Count; i++)
                    {
                        CheckSchema(items[i], $"{at}/{i}", document, resolver, where);
                    }

                    break;
                case "items":
                    CheckSchema(child, at, document, resolver, where);
                    break;
                case "enum":
                    _ = child as JsonArray ?? throw Invalid(at, where, "'enum' must be an array of values");
                    break;
                case "maxLength" or "minLength" or "maxItems" or "minItems" or "maxProperties" or "minProperties" or "minContains" or "maxContains":
                    if (child is not JsonValue count || count.GetValueKind() != JsonValueKind.Number || !count.TryGetValue(out long n) || n < 0)
                    {
                        throw Invalid(at, where, $"'{key}' must be a non-negative integer, not {Describe(child)}");
                    }

                    break;
                case "maximum" or "minimum":
                    _ = Number(child) ?? throw Invalid(at, where, $"'{key}' must be a number, not {Describe(child)}");
                    break;
                case "exclusiveMaximum" or "exclusiveMinimum":
                    // Draft 4 wrote these as booleans beside maximum/minimum; later drafts as numbers.
                    if (Number(child) is null && child?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        throw Invalid(at, where, $"'{key}' must be a number (or, in draft 4, a boolean), not {Describe(child)}");
                    }

                    break;
                case "multipleOf":
                    if (Number(child) is not > 0)
                    {
                        throw Invalid(at, where, $"'multipleOf' must be a number greater than 0, not {Describe(child)}");
                    }

                    break;
                case "pattern":
                    var pattern = String(child) ?? throw Invalid(at, where, $"'pattern' must be a string, not {Describe(child)}");
                    _ = TryCompile(pattern) ?? throw Invalid(at, where, $"the pattern '{pattern}' is not a valid regular expression");
                    break;
                case "uniqueItems":
                    if (child?.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        throw Invalid(at, where, $"'uniqueItems' must be a boolean, not {Describe(child)}");
                    }

                    break;
                case "$ref":
                    var reference = String(child) ?? throw Invalid(at, where, $"'$ref' must be a string, not {Describe(child)}");
                    var target = resolver.Resolve(reference, document)
                        ?? throw Invalid(at, where, $"$ref '{reference}' does not resolve; point it at a local #/definitions or #/$defs entry, or add a reference named '{reference.Split('#')[0]}' to the schema's references");
                    if (target.Node is not JsonObject && target.Node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        throw Invalid(at, where, $"$ref '{reference}' points at {Describe(target.Node)}, not a schema");
                    }

                    break;
                case "$id" or "$schema" or "$anchor" or "title" or "description" or "format" or "$comment":
                    _ = String(child) ?? throw Invalid(at, where, $"'{key}' must be a string, not {Describe(child)}");
                    break;
            }
        }
    }

    private static void CheckType(JsonNode? node, string at, string where)
    {
        if (String(node) is { } single)
        {
            CheckTypeName(single, at, where);
            return;
        }

        if (node is not JsonArray array || array.Count == 0)
        {
            throw Invalid(at, where, $"'type' must be a type name or a non-empty array of type names, not {Describe(node)}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in array)
        {
            var name = String(item) ?? throw Invalid(at, where, $"'type' must list type names (strings), not {Describe(item)}");
            CheckTypeName(name, at, where);
            if (!seen.Add(name))
            {
                throw Invalid(at, where, $"'type' lists '{name}' twice");
            }
        }
    }

    private static void CheckTypeName(string name, string at, string where)
    {
        if (!TypeNames.Contains(name))
        {
            throw Invalid(at, where, $"'{name}' is not a JSON Schema type; use one of {string.Join(", ", TypeNames)}");
        }
    }

    private static void CheckStrings(JsonNode? node, string at, string where, string key)
    {
        if (node is not JsonArray array || array.Any(item => String(item) is null))
        {
            throw Invalid(at, where, $"'{key}' must be an array of property names (strings), not {Describe(node)}");
        }
    }

    /// <summary>The number <paramref name="node"/> holds, or null when it is not a JSON number.</summary>
    public static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out double number) ? number : null;

    /// <summary>The string <paramref name="node"/> holds, or null when it is not a JSON string.</summary>
    public static string? String(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue(out string? text) ? text : null;

    /// <summary><paramref name="name"/> escaped as a JSON Pointer token, so paths in messages can be followed.</summary>
    public static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Describe(JsonNode? node) => node is null ? "null" : $"{node.GetValueKind().ToString().ToLowerInvariant()} {node.ToJsonString()}";

    private static SchemaRegistryException Invalid(string path, string where, string rule) =>
        new(SchemaRegistryException.Codes.InvalidSchema, $"Invalid JSON Schema at {path}{where}: {rule}.");
}
