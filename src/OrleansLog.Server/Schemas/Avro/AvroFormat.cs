using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Avro;
using AvroSchema = Avro.Schema;

namespace OrleansLog.Schemas;

/// <summary>
/// Avro schemas: parsed by Apache.Avro with their references, identified by their compact JSON, and checked with Avro's
/// schema-resolution rules (<see cref="AvroResolution"/>).
/// </summary>
internal sealed class AvroFormat : ISchemaFormat
{
    private static readonly JsonWriterOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public SchemaType Type => SchemaType.Avro;

    public ParsedSchema Parse(string text, IReadOnlyList<ResolvedReference> references)
    {
        // One SchemaNames for all: each reference may use the named types of the ones before it, and the schema may use them all.
        var names = new SchemaNames();
        var aliases = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (ResolvedReference reference in references)
        {
            Read(reference.Text, names, aliases, $"Reference '{reference.Name}'");
        }

        return Read(text, names, aliases, "The schema");
    }

    private static AvroParsedSchema Read(string text, SchemaNames names, Dictionary<string, IReadOnlyList<string>> aliases, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw Invalid($"{what} is not valid JSON: {e.Message} Send the Avro schema as JSON text.");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            AvroSchema schema = root.ValueKind switch
            {
                JsonValueKind.Object or JsonValueKind.Array => ParseAvro(text, root, names, what),
                JsonValueKind.String => ParseName(root.GetString()!, text, names, what),
                _ => throw Invalid($"{what} is JSON {root.ValueKind}, not an Avro schema: send a JSON object, a JSON array (a union) or a type name."),
            };
            string normalized = AvroSchemaJson.Normalize(root, schema, aliases, what);
            return new AvroParsedSchema(schema, Compact(root), normalized, aliases);
        }
    }

    private static AvroSchema ParseAvro(string text, JsonElement root, SchemaNames names, string what)
    {
        AvroSchema? schema;
        try
        {
            schema = AvroSchema.Parse(text, names, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Apache.Avro reports bad schemas with several exception types (AvroException, InvalidCastException, ArgumentException...),
            // and an undefined name written as {"type": "Name"} only as a null argument, so we name it ourselves.
            string hint = e.Message.Contains("Undefined name", StringComparison.Ordinal) ? "" : UndefinedNames(root, names);
            throw Invalid($"{what} is not a valid Avro schema: {e.Message}{hint}");
        }

        // Apache.Avro answers a top-level {"type": "Name"} with an undefined name with null.
        return schema ?? throw Invalid($"{what} is not a valid Avro schema{UndefinedNames(root, names)}");
    }

    // Names the schema uses that neither it nor its references define: a hint added to Apache.Avro's message, matched loosely
    // (by full or unqualified name) because the exact resolution is Apache.Avro's.
    private static string UndefinedNames(JsonElement root, SchemaNames names)
    {
        var defined = new HashSet<string>(StringComparer.Ordinal);
        foreach (KeyValuePair<SchemaName, NamedSchema> known in names)
        {
            defined.Add(known.Key.Fullname);
            defined.Add(known.Key.Name);
        }

        var used = new List<string>();
        CollectNames(root, defined, used);
        used.RemoveAll(name => defined.Contains(name) || defined.Contains(name[(name.LastIndexOf('.') + 1)..]));
        return used.Count == 0 ? "" : $" (undefined name: {string.Join(", ", used.Distinct())}; define it or add a reference that does)";
    }

    private static void CollectNames(JsonElement json, HashSet<string> defined, List<string> used)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.String when AvroSchema.ParseType(json.GetString()!) is null && json.GetString() is not ("record" or "error" or "enum" or "fixed" or "array" or "map"):
                used.Add(json.GetString()!);
                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in json.EnumerateArray())
                {
                    CollectNames(item, defined, used);
                }

                break;
            case JsonValueKind.Object:
                if (json.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String
                    && json.TryGetProperty("type", out JsonElement kind) && kind.ValueKind == JsonValueKind.String
                    && kind.GetString() is "record" or "error" or "enum" or "fixed")
                {
                    string typeName = name.GetString()!;
                    defined.Add(typeName);
                    defined.Add(typeName[(typeName.LastIndexOf('.') + 1)..]);
                }

                foreach (string key in (ReadOnlySpan<string>)["type", "items", "values", "fields"])
                {
                    if (json.TryGetProperty(key, out JsonElement inner))
                    {
                        CollectNames(inner, defined, used);
                    }
                }

                break;
        }
    }

    // A schema that is just a name: Apache.Avro parses primitive names but not names of types defined in references.
    private static AvroSchema ParseName(string name, string text, SchemaNames names, string what)
    {
        if (AvroSchema.ParseType(name) is not null)
        {
            return ParseAvro(text, default, names, what);
        }

        return names.TryGetValue(name, null, null, null, out NamedSchema named)
            ? named
            : throw Invalid($"{what} is the name {name}, which is neither an Avro type nor a type defined in its references; add the reference that defines it.");
    }

    private static string Compact(JsonElement root)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_compact))
        {
            root.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // The parser's exception is not kept as the inner one: the error crosses the grain boundary, and Avro's exception types have no
    // Orleans codec. Its message is in ours.
    private static SchemaRegistryException Invalid(string message) =>
        new(SchemaRegistryException.Codes.InvalidSchema, message);
}
