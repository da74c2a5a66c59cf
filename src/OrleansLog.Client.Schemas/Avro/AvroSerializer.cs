using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Avro;
using Avro.Generic;
using Avro.IO;
using Avro.Specific;
using OrleansLog.Client.Serialization;
using RegistrySchema = OrleansLog.Schemas.Schema;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// Writes <typeparamref name="T"/> (a <see cref="GenericRecord"/>, an <see cref="ISpecificRecord"/> type, or string, int, long, float, double,
/// bool or byte[]) as Avro binary in Confluent's wire format, byte for byte as Confluent's <c>AvroSerializer</c> does, for the key or value of
/// one topic's records. A null value is written as a null key or value.
/// </summary>
/// <remarks>
/// The schema's id is found (registered or looked up) once per schema and cached. <see cref="Serialize"/> is synchronous, as the producer calls
/// it: the first record of each schema waits for the registry there, off the caller's scheduler. Call <see cref="InitializeAsync"/> first (or
/// use <see cref="SerializeAsync"/>) to keep that wait out of the producer.
/// </remarks>
public sealed class AvroSerializer<T> : ISerializer<T>
{
    private readonly SchemaRegistryClient _registry;
    private readonly string _topic;
    private readonly MessageComponent _component;
    private readonly AvroSerializerOptions _options;
    private readonly Schema? _schema;

    // Records built from one parsed schema share its object, so the per-record lookup is by reference (weakly held: schema objects a producer
    // parses per record come and go); behind it, writers are kept once per schema text, as Confluent's serializer keys them.
    private readonly ConditionalWeakTable<Schema, WriterState> _writers = [];
    private readonly ConcurrentDictionary<string, WriterState> _writersByText = new(StringComparer.Ordinal);

    /// <summary>Creates the serializer for the <paramref name="component"/> (key or value) of records of <paramref name="topic"/>.</summary>
    public AvroSerializer(SchemaRegistryClient registry, string topic, MessageComponent component = MessageComponent.Value, AvroSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        SerializerOptionRules.ValidateTopic(topic);
        SerializerOptionRules.ValidateComponent(component);
        _options = options ?? new AvroSerializerOptions();
        _options.Validate();
        _registry = registry;
        _topic = topic;
        _component = component;
        _schema = AvroSchemas.For<T>();
    }

    /// <summary>
    /// Finds (registers or looks up) the id of <typeparamref name="T"/>'s schema, or for <see cref="GenericRecord"/>s of
    /// <paramref name="schema"/>, so the first <see cref="Serialize"/> does not wait for the registry.
    /// </summary>
    public async Task InitializeAsync(Schema? schema = null, CancellationToken cancellationToken = default)
    {
        var writerSchema = schema ?? _schema
            ?? throw new ArgumentNullException(nameof(schema), "A GenericRecord serializer writes each record with its own schema; give the schema to initialize.");
        await GetWriterAsync(writerSchema, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Serializes <paramref name="value"/>; the first value of each schema may wait for the registry (see the remarks).</summary>
    public byte[]? Serialize(T? value)
    {
        if (value is null)
        {
            return null;
        }

        var schema = SchemaOf(value);
        if (!_writers.TryGetValue(schema, out var writer))
        {
            // Off the caller's scheduler: a producer used inside a grain would otherwise block the turn the registry's answer needs.
            writer = Task.Run(() => GetWriterAsync(schema, CancellationToken.None)).GetAwaiter().GetResult();
        }

        return Write(writer, value);
    }

    /// <summary>Serializes <paramref name="value"/>, waiting for the registry asynchronously when its schema is new.</summary>
    public async ValueTask<byte[]?> SerializeAsync(T? value, CancellationToken cancellationToken = default)
    {
        if (value is null)
        {
            return null;
        }

        var schema = SchemaOf(value);
        if (!_writers.TryGetValue(schema, out var writer))
        {
            writer = await GetWriterAsync(schema, cancellationToken).ConfigureAwait(false);
        }

        return Write(writer, value);
    }

    private static byte[] Write(WriterState writer, T value)
    {
        try
        {
            return AvroBuffers.Write(writer.SchemaId, writer.Writer, value, static (w, v, encoder) => w.Write(v, encoder));
        }
        // Apache.Avro converts logical types with plain casts: a decimal field holding a .NET decimal, a timestamp holding a long, fail with
        // the cast's exception rather than an AvroException.
        catch (Exception e) when (e is AvroException or InvalidCastException or ArgumentException or OverflowException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new SchemaSerializationException(
                Errors.ErrorCode.InvalidRecord,
                $"The value does not fit Avro schema id {writer.SchemaId} ({writer.Subject}): {e.Message}",
                e);
        }
    }

    private Schema SchemaOf(T value) => _schema ?? (value as GenericRecord)?.Schema ?? throw new ArgumentException("A GenericRecord without a schema cannot be written.", nameof(value));

    private async Task<WriterState> GetWriterAsync(Schema schema, CancellationToken cancellationToken)
    {
        if (_writers.TryGetValue(schema, out var known))
        {
            return known;
        }

        var text = schema.ToString();
        if (_writersByText.TryGetValue(text, out known))
        {
            return _writers.GetValue(schema, _ => known);
        }

        var subject = SubjectNames.Of(_options.SubjectNameStrategy, _topic, _component, AvroSchemas.NameOf(schema));
        int id;
        var writerSchema = schema;
        if (_options.UseLatestVersion)
        {
            var latest = await _registry.GetLatestSchemaAsync(subject, cancellationToken).ConfigureAwait(false);
            id = latest.Id;
            writerSchema = await AvroSchemas.ParseAsync(_registry, latest.Schema, $"Schema id {latest.Id} ({subject} version {latest.Version})", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Confluent registers the schema's JSON as Apache.Avro prints it; the same text here means the same subject version and id.
            var registered = new RegistrySchema(text);
            id = _options.AutoRegisterSchemas
                ? await _registry.RegisterSchemaAsync(subject, registered, _options.NormalizeSchemas, cancellationToken).ConfigureAwait(false)
                : await _registry.GetSchemaIdAsync(subject, registered, _options.NormalizeSchemas, cancellationToken).ConfigureAwait(false);
        }

        DatumWriter<T> datumWriter = _schema is null ? new GenericDatumWriter<T>(writerSchema) : new SpecificDatumWriter<T>(writerSchema);
        var state = _writersByText.GetOrAdd(text, new WriterState(id, subject, datumWriter));
        return _writers.GetValue(schema, _ => state);
    }

    private sealed record WriterState(int SchemaId, string Subject, DatumWriter<T> Writer);
}
