using System.Buffers;
using System.Text;
using System.Text.Json;
using NJsonSchema;
using NJsonSchema.Generation;
using OrleansLog.Client.Serialization;
using RegistrySchema = OrleansLog.Schemas.Schema;
using SchemaType = OrleansLog.Schemas.SchemaType;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// Writes <typeparamref name="T"/> as UTF-8 JSON (System.Text.Json) in Confluent's wire format, with a JSON Schema registered as type JSON:
/// the one given in <see cref="JsonSchemaSerializerOptions.Schema"/>, or one NJsonSchema generates from <typeparamref name="T"/>. A null value is
/// written as a null key or value.
/// </summary>
/// <remarks>
/// The schema's id is found once and cached. <see cref="Serialize"/> is synchronous, as the producer calls it: the first value waits for the
/// registry there, off the caller's scheduler; call <see cref="InitializeAsync"/> first (or use <see cref="SerializeAsync"/>) to avoid that.
/// </remarks>
public sealed class JsonSchemaSerializer<T> : ISerializer<T>
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    private readonly SchemaRegistryClient _registry;
    private readonly string _topic;
    private readonly MessageComponent _component;
    private readonly JsonSchemaSerializerOptions _options;
    private readonly SemaphoreSlim _initializing = new(1, 1);
    private readonly JsonWriterOptions _writerOptions;
    private volatile State? _state;

    /// <summary>Creates the serializer for the <paramref name="component"/> (key or value) of records of <paramref name="topic"/>.</summary>
    public JsonSchemaSerializer(SchemaRegistryClient registry, string topic, MessageComponent component = MessageComponent.Value, JsonSchemaSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        SerializerOptionRules.ValidateTopic(topic);
        SerializerOptionRules.ValidateComponent(component);
        _options = options ?? new JsonSchemaSerializerOptions();
        _options.ThrowIfInvalid();
        _registry = registry;
        _topic = topic;
        _component = component;
        var serializerOptions = _options.SerializerOptions ?? JsonSerializerOptions.Default;
        _writerOptions = new JsonWriterOptions { Encoder = serializerOptions.Encoder, Indented = serializerOptions.WriteIndented, MaxDepth = serializerOptions.MaxDepth };
    }

    /// <summary>Parses or generates the schema and finds its id, so the first <see cref="Serialize"/> does not wait for the registry.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => GetStateAsync(cancellationToken);

    /// <summary>Serializes <paramref name="value"/>; the first value may wait for the registry (see the remarks).</summary>
    public byte[]? Serialize(T? value)
    {
        if (value is null)
        {
            return null;
        }

        // Off the caller's scheduler: a producer used inside a grain would otherwise block the turn the registry's answer needs.
        var state = _state ?? Task.Run(() => GetStateAsync(CancellationToken.None)).GetAwaiter().GetResult();
        return Write(state, value);
    }

    /// <summary>Serializes <paramref name="value"/>, waiting for the registry asynchronously the first time.</summary>
    public async ValueTask<byte[]?> SerializeAsync(T? value, CancellationToken cancellationToken = default)
    {
        if (value is null)
        {
            return null;
        }

        var state = _state ?? await GetStateAsync(cancellationToken).ConfigureAwait(false);
        return Write(state, value);
    }

    private byte[] Write(State state, T value)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        SchemaWireFormat.WriteHeader(buffer.GetSpan(SchemaWireFormat.HeaderLength), state.SchemaId);
        buffer.Advance(SchemaWireFormat.HeaderLength);
        // A writer's own options decide escaping and indentation, whatever the serializer options say, so the thread's writer is
        // replaced when this serializer's differ from the ones it was made with.
        var writer = t_writer;
        if (writer is null || !SameWriterOptions(writer.Options, _writerOptions))
        {
            writer?.Dispose();
            writer = t_writer = new Utf8JsonWriter(buffer, _writerOptions);
        }
        else
        {
            writer.Reset(buffer);
        }

        JsonSerializer.Serialize(writer, value, _options.SerializerOptions);
        writer.Flush();
        var payload = buffer.WrittenSpan[SchemaWireFormat.HeaderLength..];
        if (_options.Validate)
        {
            var errors = state.Schema.Validate(Encoding.UTF8.GetString(payload));
            if (errors.Count > 0)
            {
                throw new SchemaSerializationException(
                    Errors.ErrorCode.InvalidRecord,
                    $"The value does not conform to JSON Schema id {state.SchemaId} ({state.Subject}): {string.Join("; ", errors.Select(e => e.ToString()))}");
            }
        }

        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1024 * 1024)
        {
            t_buffer = null;
            t_writer = null;
        }

        return bytes;
    }

    private async Task<State> GetStateAsync(CancellationToken cancellationToken)
    {
        if (_state is { } known)
        {
            return known;
        }

        await _initializing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _state ??= await CreateStateAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _initializing.Release();
        }
    }

    private async Task<State> CreateStateAsync(CancellationToken cancellationToken)
    {
        var schema = _options.Schema is { } text
            ? await JsonSchemas.ParseAsync(text, "the schema given in JsonSchemaSerializerOptions.Schema", cancellationToken).ConfigureAwait(false)
            : JsonSchema.FromType<T>(new SystemTextJsonSchemaGeneratorSettings { SerializerOptions = _options.SerializerOptions ?? new JsonSerializerOptions() });
        var subject = SubjectNames.Of(_options.SubjectNameStrategy, _topic, _component, schema.Title);
        if (_options.UseLatestVersion)
        {
            var latest = await _registry.GetLatestSchemaAsync(subject, cancellationToken).ConfigureAwait(false);
            var latestSchema = await JsonSchemas.ParseAsync(_registry, latest.Schema, $"the latest version of subject '{subject}' (schema id {latest.Id})", cancellationToken).ConfigureAwait(false);
            return new State(latest.Id, subject, latestSchema);
        }

        // The registered text is NJsonSchema's serialization of the schema, as Confluent's serializer registers it.
        var registered = new RegistrySchema(_options.Schema ?? schema.ToJson(), SchemaType.Json);
        var id = _options.AutoRegisterSchemas
            ? await _registry.RegisterSchemaAsync(subject, registered, _options.NormalizeSchemas, cancellationToken).ConfigureAwait(false)
            : await _registry.GetSchemaIdAsync(subject, registered, _options.NormalizeSchemas, cancellationToken).ConfigureAwait(false);
        return new State(id, subject, schema);
    }

    private static bool SameWriterOptions(JsonWriterOptions a, JsonWriterOptions b) =>
        ReferenceEquals(a.Encoder, b.Encoder) && a.Indented == b.Indented && a.MaxDepth == b.MaxDepth;

    private sealed record State(int SchemaId, string Subject, JsonSchema Schema);
}
