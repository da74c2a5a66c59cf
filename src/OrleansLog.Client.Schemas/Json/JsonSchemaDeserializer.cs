using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using NJsonSchema;
using OrleansLog.Client.Serialization;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// Reads records in Confluent's wire format written by a JSON Schema serializer (this library's or Confluent's): checks the header, validates the
/// JSON payload against the writer's schema (fetched by the record's id, with the schemas it references) when made with a registry, as
/// Confluent's deserializer does, and reads it into <typeparamref name="T"/> with System.Text.Json.
/// </summary>
/// <remarks>
/// Each schema id is fetched and parsed once. <see cref="Deserialize"/> is synchronous, as the consumer calls it: the first record with a new id
/// waits for the registry there, off the caller's scheduler; <see cref="DeserializeAsync"/> waits asynchronously.
/// </remarks>
public sealed class JsonSchemaDeserializer<T> : IDeserializer<T>
{
    private readonly SchemaRegistryClient? _registry;
    private readonly JsonSerializerOptions? _serializerOptions;
    private readonly ConcurrentDictionary<int, JsonSchema> _schemas = new();

    /// <summary>
    /// Creates the deserializer. With a <paramref name="registry"/>, each payload is validated against the schema its id names before it is read,
    /// and one that does not conform is refused, as Confluent's deserializer does; without one, payloads are read unchecked and no registry
    /// is asked. <paramref name="serializerOptions"/> tells System.Text.Json how to read values (null for its defaults).
    /// </summary>
    public JsonSchemaDeserializer(SchemaRegistryClient? registry = null, JsonSerializerOptions? serializerOptions = null)
    {
        _registry = registry;
        _serializerOptions = serializerOptions;
    }

    /// <summary>Deserializes one record's key or value; with a registry, the first record with a new schema id may wait for it (see the remarks).</summary>
    public T? Deserialize(ReadOnlySpan<byte> data, bool isNull)
    {
        if (isNull)
        {
            return default;
        }

        var id = SchemaWireFormat.ReadSchemaId(data);
        if (_registry is not null)
        {
            if (!_schemas.TryGetValue(id, out var schema))
            {
                // Off the caller's scheduler: a consumer used inside a grain would otherwise block the turn the registry's answer needs.
                schema = Task.Run(() => GetSchemaAsync(id, CancellationToken.None)).GetAwaiter().GetResult();
            }

            Validate(schema, id, data[SchemaWireFormat.HeaderLength..]);
        }

        return Read(id, data[SchemaWireFormat.HeaderLength..]);
    }

    /// <summary>Deserializes one record's key or value, waiting for the registry asynchronously when its schema id is new.</summary>
    public async ValueTask<T?> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, CancellationToken cancellationToken = default)
    {
        if (isNull)
        {
            return default;
        }

        var id = SchemaWireFormat.ReadSchemaId(data.Span);
        if (_registry is not null)
        {
            if (!_schemas.TryGetValue(id, out var schema))
            {
                schema = await GetSchemaAsync(id, cancellationToken).ConfigureAwait(false);
            }

            Validate(schema, id, data.Span[SchemaWireFormat.HeaderLength..]);
        }

        return Read(id, data.Span[SchemaWireFormat.HeaderLength..]);
    }

    private static void Validate(JsonSchema schema, int id, ReadOnlySpan<byte> payload)
    {
        string json;
        try
        {
            json = Encoding.UTF8.GetString(payload);
            var errors = schema.Validate(json);
            if (errors.Count > 0)
            {
                throw new SchemaSerializationException(
                    Errors.ErrorCode.InvalidRecord,
                    $"The payload does not conform to JSON Schema id {id}: {string.Join("; ", errors.Select(e => e.ToString()))}");
            }
        }
        catch (Newtonsoft.Json.JsonException e)
        {
            throw new SchemaSerializationException(Errors.ErrorCode.CorruptMessage, $"The payload written with JSON Schema id {id} is not JSON: {e.Message}", e);
        }
    }

    private T? Read(int id, ReadOnlySpan<byte> payload)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(payload, _serializerOptions);
        }
        catch (JsonException e)
        {
            throw new SchemaSerializationException(
                Errors.ErrorCode.CorruptMessage,
                $"The payload written with JSON Schema id {id} does not read as {typeof(T).Name}: {e.Message}",
                e);
        }
    }

    private async Task<JsonSchema> GetSchemaAsync(int id, CancellationToken cancellationToken)
    {
        var registered = await _registry!.GetSchemaAsync(id, cancellationToken).ConfigureAwait(false);
        var schema = await JsonSchemas.ParseAsync(_registry, registered, $"schema id {id}", cancellationToken).ConfigureAwait(false);
        return _schemas.GetOrAdd(id, schema);
    }
}
