namespace OrleansLog.Partitions;

/// <summary>An offset found by <see cref="IPartitionGrain.ListOffsetAsync"/> and the timestamp of its batch (-1 where not known).</summary>
[GenerateSerializer, Immutable]
public readonly record struct OffsetAndTimestamp([property: Id(0)] long Offset, [property: Id(1)] long Timestamp);
