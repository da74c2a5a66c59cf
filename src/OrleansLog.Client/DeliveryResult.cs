namespace OrleansLog.Client;

/// <summary>Where a produced record landed. With <c>acks=None</c> the offset is -1 (unknown).</summary>
public readonly record struct DeliveryResult(string Topic, int Partition, long Offset, long Timestamp)
{
    /// <summary>The partition the record went to.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);
}
