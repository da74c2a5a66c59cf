using System.Text.Json;
using OrleansLog.Client.Serialization;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// Reads records in Confluent's wire format written by a JSON Schema serializer (this library's or Confluent's): checks the header and reads the
/// JSON payload into <typeparamref name="T"/> with System.Text.Json. The schema id is not needed to read, so the registry is not asked.
/// </summary>
public sealed class JsonSchemaDeserializer<T> : IDeserializer<T>
{
    private readonly JsonSerializerOptions? _serializerOptions;

    /// <summary>Creates the deserializer; <paramref name="serializerOptions"/> tells System.Text.Json how to read values (null for its defaults).</summary>
    public JsonSchemaDeserializer(JsonSerializerOptions? serializerOptions = null)
    {
        _serializerOptions = serializerOptions;
    }

    /// <summary>Deserializes one record's key or value.</summary>
    public T? Deserialize(ReadOnlySpan<byte> data, bool isNull)
    {
        if (isNull)
        {
            return default;
        }

        var id = SchemaWireFormat.ReadSchemaId(data);
        try
        {
            return JsonSerializer.Deserialize<T>(data[SchemaWireFormat.HeaderLength..], _serializerOptions);
        }
        catch (JsonException e)
        {
            throw new SchemaSerializationException(
                Errors.ErrorCode.CorruptMessage,
                $"The payload written with JSON Schema id {id} does not read as {typeof(T).Name}: {e.Message}",
                e);
        }
    }
}
