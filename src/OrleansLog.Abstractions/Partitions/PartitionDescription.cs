namespace OrleansLog.Partitions;

/// <summary>The state of one partition's log.</summary>
[GenerateSerializer, Immutable]
public sealed record PartitionDescription(
    [property: Id(0)] int Partition,
    [property: Id(1)] long LogStartOffset,
    [property: Id(2)] long HighWatermark,
    [property: Id(3)] int SegmentCount,
    [property: Id(4)] long SizeBytes,
    [property: Id(5)] int LeaderEpoch,
    [property: Id(6)] string Host);
