using System.Text.Json;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Streams;

namespace OrleansLog.Streaming;

/// <summary>
/// One stream event as it travels from a queue to its subscribers: the record's value, still encoded, so the event is deserialized
/// only by the subscriber that reads it (and a value no subscriber can read fails that delivery, not the queue).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("OrleansLog.Streaming.OrleansLogBatchContainer")]
[SerializationCallbacks(typeof(OnDeserializedCallbacks))]
public sealed class OrleansLogBatchContainer : IBatchContainer, IOnDeserialized
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    [NonSerialized]
    private Serializer? _serializer;

    internal OrleansLogBatchContainer(StreamId streamId, OrleansLogSequenceToken token, byte[]? value, StreamEventFormat format, string? eventType, Serializer? serializer)
    {
        StreamId = streamId;
        Token = token;
        Value = value;
        Format = format;
        EventType = eventType;
        _serializer = serializer;
    }

    /// <inheritdoc />
    [Id(0)]
    public StreamId StreamId { get; }

    /// <summary>The event's position in the partition.</summary>
    [Id(1)]
    public OrleansLogSequenceToken Token { get; }

    /// <summary>The record's value: the encoded event, or null for a record without one (it carries no event).</summary>
    [Id(2)]
    public byte[]? Value { get; }

    /// <summary>How <see cref="Value"/> is encoded.</summary>
    [Id(3)]
    public StreamEventFormat Format { get; }

    /// <summary>The event's .NET type as the producer named it (the <c>orleans.event.type</c> header), or null.</summary>
    [Id(4)]
    public string? EventType { get; }

    /// <inheritdoc />
    public StreamSequenceToken SequenceToken => Token;

    /// <summary>The bytes this event takes in a queue's cache.</summary>
    internal int CacheBytes => 96 + (Value?.Length ?? 0) + StreamId.FullKey.Length + (EventType?.Length ?? 0) * 2;

    /// <inheritdoc />
    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>()
    {
        if (Value is null)
        {
            return [];
        }

        var value = Decode<T>();
        return value is T typed ? [Tuple.Create(typed, (StreamSequenceToken)Token)] : [];
    }

    /// <inheritdoc />
    public bool ImportRequestContext() => false;

    void IOnDeserialized.OnDeserialized(DeserializationContext context) =>
        _serializer = context.ServiceProvider.GetService(typeof(Serializer)) as Serializer;

    private object? Decode<T>()
    {
        if (Format == StreamEventFormat.Orleans)
        {
            var serializer = _serializer ?? throw new InvalidOperationException("The event's Orleans serializer is missing: the container was not made or deserialized by Orleans.");
            return serializer.Deserialize<object>(Value!);
        }

        // JSON names its type when an Orleans app wrote it; from other producers the subscriber's type decides.
        var named = EventType is null ? null : Type.GetType(EventType, throwOnError: false);
        if (named is not null && typeof(T).IsAssignableFrom(named))
        {
            return JsonSerializer.Deserialize(Value!, named, JsonOptions);
        }

        return typeof(T) == typeof(byte[]) ? Value : JsonSerializer.Deserialize<T>(Value!, JsonOptions);
    }

    /// <inheritdoc />
    public override string ToString() => $"{StreamId} {Token}";
}
