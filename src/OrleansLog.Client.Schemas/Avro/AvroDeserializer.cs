using System.Collections.Concurrent;
using Avro;
using Avro.Generic;
using Avro.IO;
using Avro.Specific;
using OrleansLog.Client.Serialization;
using RegistrySchema = OrleansLog.Schemas.Schema;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// Reads records in Confluent's wire format written by an Avro serializer (this library's or Confluent's): fetches the writer's schema by the
/// id in the record (with the schemas it references) and resolves it to the reader's schema with Avro's schema-resolution rules. The reader's schema is
/// <typeparamref name="T"/>'s (an <see cref="ISpecificRecord"/> type or a primitive) or, for <see cref="GenericRecord"/>, the one given, else the writer's.
/// </summary>
/// <remarks>
/// Each schema id is fetched once and cached. <see cref="Deserialize"/> is synchronous, as the consumer calls it: the first record with a new id
/// waits for the registry there, off the caller's scheduler; <see cref="DeserializeAsync"/> waits asynchronously.
/// </remarks>
public sealed class AvroDeserializer<T> : IDeserializer<T>
{
    private readonly SchemaRegistryClient _registry;
    private readonly Schema? _readerSchema;
    private readonly bool _generic;
    private readonly ConcurrentDictionary<int, DatumReader<T>> _readers = new();

    /// <summary>
    /// Creates the deserializer; <paramref name="readerSchema"/> (for <see cref="GenericRecord"/> only) projects every record onto that schema
    /// instead of returning it as written.
    /// </summary>
    public AvroDeserializer(SchemaRegistryClient registry, Schema? readerSchema = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var schema = AvroSchemas.For<T>();
        _generic = schema is null;
        if (!_generic && readerSchema is not null)
        {
            throw new ArgumentException($"A reader schema may only be given for GenericRecord; {typeof(T).Name} reads with its own schema.", nameof(readerSchema));
        }

        _registry = registry;
        _readerSchema = schema ?? readerSchema;
    }

    /// <summary>Deserializes one record's key or value; the first record with a new schema id may wait for the registry (see the remarks).</summary>
    public T? Deserialize(ReadOnlySpan<byte> data, bool isNull)
    {
        if (isNull)
        {
            return default;
        }

        var id = SchemaWireFormat.ReadSchemaId(data);
        if (!_readers.TryGetValue(id, out var reader))
        {
            // Off the caller's scheduler: a consumer used inside a grain would otherwise block the turn the registry's answer needs.
            reader = Task.Run(() => GetReaderAsync(id, CancellationToken.None)).GetAwaiter().GetResult();
        }

        return Read(reader, id, data[SchemaWireFormat.HeaderLength..]);
    }

    /// <summary>Deserializes one record's key or value, waiting for the registry asynchronously when its schema id is new.</summary>
    public async ValueTask<T?> DeserializeAsync(ReadOnlyMemory<byte> data, bool isNull, CancellationToken cancellationToken = default)
    {
        if (isNull)
        {
            return default;
        }

        var id = SchemaWireFormat.ReadSchemaId(data.Span);
        if (!_readers.TryGetValue(id, out var reader))
        {
            reader = await GetReaderAsync(id, cancellationToken).ConfigureAwait(false);
        }

        return Read(reader, id, data.Span[SchemaWireFormat.HeaderLength..]);
    }

    private static T Read(DatumReader<T> reader, int id, ReadOnlySpan<byte> payload)
    {
        try
        {
            return AvroBuffers.Read(payload, reader, static (r, decoder) => r.Read(default!, decoder));
        }
        // Apache.Avro meets corrupt bytes with whatever its reader trips on (an index out of range for a bad union branch, an I/O error for a
        // negative length...): all of it means the payload does not read.
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            throw new SchemaSerializationException(
                Errors.ErrorCode.CorruptMessage,
                $"The {payload.Length}-byte payload does not read as Avro with writer schema id {id} as {typeof(T).Name}: {e.Message}",
                e);
        }
    }

    private async Task<DatumReader<T>> GetReaderAsync(int id, CancellationToken cancellationToken)
    {
        var writerSchema = await AvroSchemas.ParseAsync(_registry, await _registry.GetSchemaAsync(id, cancellationToken).ConfigureAwait(false), $"Schema id {id}", cancellationToken).ConfigureAwait(false);
        var readerSchema = _readerSchema ?? writerSchema;
        DatumReader<T> reader;
        try
        {
            reader = _generic ? new GenericDatumReader<T>(writerSchema, readerSchema) : new SpecificDatumReader<T>(writerSchema, readerSchema);
        }
        catch (AvroException e)
        {
            throw new SchemaSerializationException(
                Errors.ErrorCode.InvalidRecord,
                $"Records written with schema id {id} cannot be read as {readerSchema.Fullname}: {e.Message}",
                e);
        }

        return _readers.GetOrAdd(id, reader);
    }
}
