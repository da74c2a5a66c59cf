namespace OrleansLog.Groups;

/// <summary>A group's committed offset for one partition: the offset of the next record to consume, with the committer's metadata.</summary>
[GenerateSerializer, Immutable]
public sealed record CommittedOffset(
    [property: Id(0)] string Topic,
    [property: Id(1)] int Partition,
    [property: Id(2)] long Offset,
    [property: Id(3)] string? Metadata = null,
    [property: Id(4)] DateTimeOffset CommittedAt = default)
{
    /// <summary>The longest <see cref="Metadata"/> a commit may carry, in characters (Kafka's <c>offset.metadata.max.bytes</c> default).</summary>
    public const int MaxMetadataLength = 4096;

    /// <summary>The partition this offset belongs to.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TopicPartition TopicPartition => new(Topic, Partition);
}
