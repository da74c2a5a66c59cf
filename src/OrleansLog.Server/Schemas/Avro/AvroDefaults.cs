using System.Text.Json;
using Avro;
using AvroSchema = Avro.Schema;

namespace OrleansLog.Schemas;

/// <summary>
/// Whether a field's default is a value of the field's type. Apache.Avro accepts any JSON as a default, but a reader fills missing
/// fields with it, so a bad default would only fail later, while reading.
/// </summary>
internal static class AvroDefaults
{
    /// <summary>Whether <paramref name="value"/> (JSON, as Avro writes defaults) is a value of <paramref name="schema"/>.</summary>
    public static bool IsValid(JsonElement value, AvroSchema schema)
    {
        switch (schema)
        {
            case LogicalSchema logical:
                return IsValid(value, logical.BaseSchema);
            case UnionSchema union:
                // Avro 1.12 lets a union's default be a value of any branch (earlier versions: of the first).
                foreach (AvroSchema branch in union.Schemas)
                {
                    if (IsValid(value, branch))
                    {
                        return true;
                    }
                }

                return false;
            case RecordSchema record:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                foreach (Field field in record.Fields)
                {
                    bool valid = value.TryGetProperty(field.Name, out JsonElement fieldValue)
                        ? IsValid(fieldValue, field.Schema)
                        : field.DefaultValue is not null;
                    if (!valid)
                    {
                        return false;
                    }
                }

                return true;
            case EnumSchema enumeration:
                return value.ValueKind == JsonValueKind.String && enumeration.Contains(value.GetString()!);
            case ArraySchema array:
                return value.ValueKind == JsonValueKind.Array && All(value.EnumerateArray(), array.ItemSchema);
            case MapSchema map:
                if (value.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }

                foreach (JsonProperty entry in value.EnumerateObject())
                {
                    if (!IsValid(entry.Value, map.ValueSchema))
                    {
                        return false;
                    }
                }

                return true;
        }

        return schema.Tag switch
        {
            AvroSchema.Type.Null => value.ValueKind == JsonValueKind.Null,
            AvroSchema.Type.Boolean => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            AvroSchema.Type.Int => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            AvroSchema.Type.Long => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            // Non-finite floats have no JSON number, so Avro writers spell them as strings.
            AvroSchema.Type.Float or AvroSchema.Type.Double => value.ValueKind == JsonValueKind.Number
                || (value.ValueKind == JsonValueKind.String && value.GetString() is "NaN" or "Infinity" or "-Infinity"),
            // Bytes and fixed defaults are strings whose characters are the bytes (code points 0-255).
            AvroSchema.Type.String or AvroSchema.Type.Bytes or AvroSchema.Type.Fixed => value.ValueKind == JsonValueKind.String,
            _ => false,
        };
    }

    private static bool All(JsonElement.ArrayEnumerator items, AvroSchema schema)
    {
        foreach (JsonElement item in items)
        {
            if (!IsValid(item, schema))
            {
                return false;
            }
        }

        return true;
    }
}
