namespace OrleansLog.Client;

/// <summary>A position in one partition: an offset, or one of <see cref="Offset.Beginning"/> and <see cref="Offset.End"/>.</summary>
public readonly record struct TopicPartitionOffset(string Topic, int Partition, long Offset)
{
    /// <summary>The partition this position is in.</summary>
    public TopicPartition TopicPartition => new(Topic, Partition);

    /// <inheritdoc />
    public override string ToString() => $"{Topic}-{Partition}@{Offset}";
}
