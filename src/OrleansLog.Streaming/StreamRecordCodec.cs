using System.Text;
using System.Text.Json;
using Orleans.Runtime;
using Orleans.Serialization;
using OrleansLog.Client;
using OrleansLog.Records;

namespace OrleansLog.Streaming;

/// <summary>
/// The record format of stream events, which OrleansLog and Kafka clients can read and write: key = the stream key, value = the event,
/// and headers for the stream namespace, the event's type and its encoding.
/// </summary>
public static class StreamRecordHeaders
{
    /// <summary>The stream's namespace (UTF-8); absent for a stream without one.</summary>
    public const string Namespace = "orleans.stream.namespace";

    /// <summary>The event's .NET type, as "Full.Type.Name, AssemblyName"; optional for JSON events.</summary>
    public const string EventType = "orleans.event.type";

    /// <summary>"orleans" or "json"; absent means the provider's <see cref="OrleansLogStreamOptions.EventFormat"/>.</summary>
    public const string Format = "orleans.event.format";

    /// <summary>On a dead letter: why the event failed.</summary>
    public const string DeadLetterReason = "orleans.dlq.reason";

    /// <summary>On a dead letter: how many deliveries failed.</summary>
    public const string DeadLetterAttempts = "orleans.dlq.attempts";

    /// <summary>On a dead letter: the subscription that failed it.</summary>
    public const string DeadLetterSubscription = "orleans.dlq.subscription";

    /// <summary>On a dead letter: the event's topic, partition and offset, as "topic/partition/offset".</summary>
    public const string DeadLetterSource = "orleans.dlq.source";
}

/// <summary>Turns stream events into records and records back into batch containers.</summary>
internal sealed class StreamRecordCodec(Serializer serializer, StreamEventFormat format)
{
    private static readonly byte[] OrleansFormat = "orleans"u8.ToArray();
    private static readonly byte[] JsonFormat = "json"u8.ToArray();

    public Message<byte[], byte[]> Encode<T>(StreamId streamId, T evt)
    {
        var type = evt?.GetType() ?? typeof(T);
        var value = format == StreamEventFormat.Json
            ? JsonSerializer.SerializeToUtf8Bytes(evt, type, OrleansLogBatchContainer.JsonOptions)
            : serializer.SerializeToArray<object?>(evt);
        var headers = EventHeaders(streamId, $"{type.FullName}, {type.Assembly.GetName().Name}", format, capacity: 3);
        return new Message<byte[], byte[]> { Key = streamId.Key.ToArray(), Value = value, Headers = headers };
    }

    /// <summary>
    /// The event in <paramref name="record"/>; null for a record without a key (it names no stream) or, with <paramref name="only"/>,
    /// for another stream's record (its key is compared before its headers are read).
    /// </summary>
    public OrleansLogBatchContainer? Decode(in Record record, StreamId? only = null)
    {
        if (record.IsKeyNull || record.Key.IsEmpty || (only is { } wanted && !record.Key.Span.SequenceEqual(wanted.Key.Span)))
        {
            return null;
        }

        ReadOnlySpan<byte> ns = default;
        string? eventType = null;
        var recordFormat = format;
        if (record.HeaderCount > 0)
        {
            foreach (var header in record.GetHeaders())
            {
                switch (header.Key)
                {
                    case StreamRecordHeaders.Namespace:
                        ns = header.Value;
                        break;
                    case StreamRecordHeaders.EventType when header.Value is not null:
                        eventType = Encoding.UTF8.GetString(header.Value);
                        break;
                    case StreamRecordHeaders.Format when header.Value is not null:
                        recordFormat = header.Value.AsSpan().SequenceEqual(JsonFormat) ? StreamEventFormat.Json : StreamEventFormat.Orleans;
                        break;
                }
            }
        }

        if (only is { } stream && !ns.SequenceEqual(stream.Namespace.Span))
        {
            return null;
        }

        return new OrleansLogBatchContainer(
            only ?? StreamId.Create(ns, record.Key.Span),
            OrleansLogSequenceToken.ForEvent(record.Offset),
            record.IsValueNull ? null : record.Value.ToArray(),
            recordFormat,
            eventType,
            serializer);
    }

    private static List<RecordHeader> EventHeaders(StreamId streamId, string? eventType, StreamEventFormat format, int capacity)
    {
        var headers = new List<RecordHeader>(capacity);
        if (!streamId.Namespace.IsEmpty)
        {
            headers.Add(new RecordHeader(StreamRecordHeaders.Namespace, streamId.Namespace.ToArray()));
        }

        if (eventType is not null)
        {
            headers.Add(new RecordHeader(StreamRecordHeaders.EventType, Encoding.UTF8.GetBytes(eventType)));
        }

        headers.Add(new RecordHeader(StreamRecordHeaders.Format, format == StreamEventFormat.Json ? JsonFormat : OrleansFormat));
        return headers;
    }

    /// <summary>The headers a dead letter carries: the event's own, and why it failed.</summary>
    public static List<RecordHeader> DeadLetterHeaders(OrleansLogBatchContainer container, string reason, int attempts, Guid subscription, string source)
    {
        var headers = EventHeaders(container.StreamId, container.EventType, container.Format, capacity: 7);
        headers.Add(new RecordHeader(StreamRecordHeaders.DeadLetterReason, Encoding.UTF8.GetBytes(reason)));
        headers.Add(new RecordHeader(StreamRecordHeaders.DeadLetterAttempts, Encoding.UTF8.GetBytes(attempts.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        headers.Add(new RecordHeader(StreamRecordHeaders.DeadLetterSubscription, Encoding.UTF8.GetBytes(subscription.ToString("N"))));
        headers.Add(new RecordHeader(StreamRecordHeaders.DeadLetterSource, Encoding.UTF8.GetBytes(source)));
        return headers;
    }
}
