namespace OrleansLog.Partitions;

/// <summary>The state of one partition's log.</summary>
/// <param name="Partition">The partition number.</param>
/// <param name="LogStartOffset">The first offset the log holds.</param>
/// <param name="HighWatermark">The end of durable data: the offset the next record will get.</param>
/// <param name="SegmentCount">Segments, sealed and active.</param>
/// <param name="SizeBytes">Bytes of record batches in all segments.</param>
/// <param name="LeaderEpoch">The leader epoch of the activation that last wrote (or now owns) the log.</param>
/// <param name="Host">The silo hosting the partition's activation; null when the partition is idle (no activation), in which case
/// the other figures come from its stored manifest as of its last clean stop (or are all zero for a partition never written).</param>
[GenerateSerializer, Immutable]
public sealed record PartitionDescription(
    [property: Id(0)] int Partition,
    [property: Id(1)] long LogStartOffset,
    [property: Id(2)] long HighWatermark,
    [property: Id(3)] int SegmentCount,
    [property: Id(4)] long SizeBytes,
    [property: Id(5)] int LeaderEpoch,
    [property: Id(6)] string? Host)
{
    /// <summary>Whether an activation of the partition answered (false: described from storage without activating it).</summary>
    public bool IsActive => Host is not null;

    /// <summary>
    /// Compacted topics: the share of the sealed segments' bytes not compacted yet (0 to 1); compaction starts when it reaches the
    /// topic's <c>min.cleanable.dirty.ratio</c>. Null for topics that do not compact.
    /// </summary>
    [Id(7)]
    public double? DirtyRatio { get; init; }

    /// <summary>Compacted topics: when compaction last finished on this partition; null if it never did.</summary>
    [Id(8)]
    public DateTimeOffset? LastCompaction { get; init; }
}
