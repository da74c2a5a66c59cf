using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Avro;
using AvroSchema = Avro.Schema;

namespace OrleansLog.Schemas;

/// <summary>
/// Reads what Apache.Avro parses but does not expose (named types' aliases, defaults as written) and writes the normalized form,
/// walking the schema's JSON beside the parsed schema so every name resolves exactly as Apache.Avro resolved it.
/// </summary>
internal static class AvroSchemaJson
{
    private static readonly JsonWriterOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Avro's Parsing Canonical Form orders these first; the other attributes Avro defines follow, then custom properties by name.
    private static readonly string[] s_keyOrder =
        ["name", "type", "fields", "symbols", "items", "values", "size", "logicalType", "precision", "scale", "default", "order", "aliases", "doc"];

    /// <summary>
    /// The normalized form of <paramref name="json"/> (parsed as <paramref name="schema"/>): compact JSON in which every named type
    /// is written by its full name (no <c>namespace</c> keys; aliases as full names, sorted), a primitive type with no other
    /// attribute as its plain name (<c>{"type":"int"}</c> becomes <c>"int"</c>), the default field order <c>ascending</c> and empty
    /// aliases dropped, and each object's keys in a fixed order (name, type, fields, symbols, items, values, size, logicalType,
    /// precision, scale, default, order, aliases, doc, then custom properties by name). Docs, defaults, symbols, union branches and
    /// custom properties stay as written. Adds the aliases of the named types it defines to <paramref name="aliases"/> and throws
    /// <see cref="SchemaRegistryException.Codes.InvalidSchema"/> for a default that is not a value of its field's type.
    /// </summary>
    public static string Normalize(JsonElement json, AvroSchema schema, IDictionary<string, IReadOnlyList<string>> aliases, string what)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_compact))
        {
            new Walk(writer, aliases, what).Schema(json, schema, schema is NamedSchema named ? named.Name : "");
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private sealed class Walk(Utf8JsonWriter writer, IDictionary<string, IReadOnlyList<string>> aliases, string what)
    {
        public void Schema(JsonElement json, AvroSchema schema, string path)
        {
            switch (json.ValueKind)
            {
                case JsonValueKind.String:
                    writer.WriteStringValue(schema is NamedSchema named ? named.Fullname : json.GetString());
                    return;
                case JsonValueKind.Array:
                    var union = (UnionSchema)schema;
                    writer.WriteStartArray();
                    int branch = 0;
                    foreach (JsonElement item in json.EnumerateArray())
                    {
                        Schema(item, union.Schemas[branch++], path);
                    }

                    writer.WriteEndArray();
                    return;
            }

            JsonElement type = json.GetProperty("type");
            if (type.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                // {"type": {...}} wraps a schema; Apache.Avro reads the inner one and so do we.
                Schema(type, schema, path);
                return;
            }

            string typeName = type.GetString()!;
            AvroSchema inner = schema is LogicalSchema logical ? logical.BaseSchema : schema;
            bool definesName = typeName is "record" or "error" or "enum" or "fixed";
            if (inner is NamedSchema reference && !definesName)
            {
                // {"type": "com.example.Address"} uses a named type defined elsewhere.
                writer.WriteStringValue(reference.Fullname);
                return;
            }

            var properties = new List<JsonProperty>();
            foreach (JsonProperty property in json.EnumerateObject())
            {
                if (property.Name != "namespace")
                {
                    properties.Add(property);
                }
            }

            if (properties.Count == 1 && inner is PrimitiveSchema && schema is not LogicalSchema)
            {
                writer.WriteStringValue(typeName);
                return;
            }

            NamedSchema? defined = definesName ? (NamedSchema)inner : null;
            if (defined is not null && json.TryGetProperty("aliases", out JsonElement typeAliases))
            {
                aliases[defined.Fullname] = FullNames(typeAliases, defined.Namespace);
            }

            properties.Sort(ByKeyOrder);
            writer.WriteStartObject();
            foreach (JsonProperty property in properties)
            {
                switch (property.Name)
                {
                    case "name" when defined is not null:
                        writer.WriteString("name", defined.Fullname);
                        break;
                    case "aliases" when defined is not null:
                        WriteAliases(FullNames(property.Value, defined.Namespace));
                        break;
                    case "fields" when inner is RecordSchema record:
                        writer.WriteStartArray("fields");
                        int position = 0;
                        foreach (JsonElement field in property.Value.EnumerateArray())
                        {
                            Field(field, record.Fields[position++], path);
                        }

                        writer.WriteEndArray();
                        break;
                    case "items" when inner is ArraySchema array:
                        writer.WritePropertyName("items");
                        Schema(property.Value, array.ItemSchema, path + "[]");
                        break;
                    case "values" when inner is MapSchema map:
                        writer.WritePropertyName("values");
                        Schema(property.Value, map.ValueSchema, path + "{}");
                        break;
                    default:
                        property.WriteTo(writer);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        private void Field(JsonElement json, Field field, string recordPath)
        {
            string path = recordPath.Length == 0 ? field.Name : $"{recordPath}.{field.Name}";
            var properties = new List<JsonProperty>(json.EnumerateObject());
            properties.Sort(ByKeyOrder);
            writer.WriteStartObject();
            foreach (JsonProperty property in properties)
            {
                switch (property.Name)
                {
                    case "type":
                        writer.WritePropertyName("type");
                        Schema(property.Value, field.Schema, path);
                        break;
                    case "default":
                        if (!AvroDefaults.IsValid(property.Value, field.Schema))
                        {
                            throw new SchemaRegistryException(
                                SchemaRegistryException.Codes.InvalidSchema,
                                $"{what} is not a valid Avro schema: the default {property.Value.GetRawText()} of field '{path}' is not a value of its type "
                                + $"{AvroResolution.Describe(field.Schema)}; give a default of the field's type (for a union, of one of its branches).");
                        }

                        property.WriteTo(writer);
                        break;
                    case "order" when property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() == "ascending":
                        break;
                    case "aliases":
                        WriteAliases(Sorted(property.Value));
                        break;
                    default:
                        property.WriteTo(writer);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        private void WriteAliases(IReadOnlyList<string> names)
        {
            if (names.Count == 0)
            {
                return;
            }

            writer.WriteStartArray("aliases");
            foreach (string name in names)
            {
                writer.WriteStringValue(name);
            }

            writer.WriteEndArray();
        }

        // A named type's aliases are names like its own: an alias without a dot is in the type's namespace.
        private static List<string> FullNames(JsonElement aliases, string? space)
        {
            List<string> names = Sorted(aliases);
            for (int i = 0; i < names.Count; i++)
            {
                if (!names[i].Contains('.', StringComparison.Ordinal) && !string.IsNullOrEmpty(space))
                {
                    names[i] = $"{space}.{names[i]}";
                }
            }

            names.Sort(StringComparer.Ordinal);
            return names;
        }

        // Aliases are a set: their order carries no meaning. Apache.Avro has already checked that they are strings.
        private static List<string> Sorted(JsonElement aliases)
        {
            var names = new List<string>();
            if (aliases.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement alias in aliases.EnumerateArray())
                {
                    names.Add(alias.GetString()!);
                }
            }

            names.Sort(StringComparer.Ordinal);
            return names;
        }

        private static int ByKeyOrder(JsonProperty x, JsonProperty y)
        {
            int byRank = Rank(x.Name).CompareTo(Rank(y.Name));
            return byRank != 0 ? byRank : string.CompareOrdinal(x.Name, y.Name);
        }

        private static int Rank(string key)
        {
            int rank = Array.IndexOf(s_keyOrder, key);
            return rank < 0 ? s_keyOrder.Length : rank;
        }
    }
}
