using OrleansLog.Partitions;

namespace OrleansLog.Client;

/// <summary>Where a produced record landed. With <c>acks=None</c> the offset is -1 (unknown).</summary>
public readonly record struct DeliveryResult(string Topic, int Partition, long Offset, long Timestamp)
{
    /// <summary>The partition the record went to.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <summary>
    /// Where record <paramref name="index"/> of a batch appended as <paramref name="append"/> landed: its offset (-1 when the append's base
    /// offset is unknown) and the log-append time when the topic uses it, else the record's own <paramref name="timestamp"/>.
    /// </summary>
    internal static DeliveryResult Of(TopicPartition partition, AppendResult append, int index, long timestamp) => new(
        partition.Topic,
        partition.Partition,
        append.BaseOffset < 0 ? -1 : append.BaseOffset + index,
        append.LogAppendTime >= 0 ? append.LogAppendTime : timestamp);
}
