using OrleansLog.Records;

namespace OrleansLog.Client;

/// <summary>A consumed record: where it was read and what it holds.</summary>
public sealed class ConsumeResult<TKey, TValue>
{
    /// <summary>The topic it was read from.</summary>
    public required string Topic { get; init; }

    /// <summary>The partition it was read from.</summary>
    public required int Partition { get; init; }

    /// <summary>Its offset in the partition.</summary>
    public required long Offset { get; init; }

    /// <summary>Its key, value, headers and timestamp.</summary>
    public required Message<TKey, TValue> Message { get; init; }

    /// <summary>Whether the timestamp is the producer's (create time) or the partition's (log-append time).</summary>
    public required TimestampType TimestampType { get; init; }

    /// <summary>The partition it was read from.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);
}
