namespace OrleansLog.Partitions;

/// <summary>
/// An append that has its offsets and its place in the partition's order but may not be durable yet, from
/// <see cref="IPartitionGrain.AppendPendingAsync"/>; <see cref="IPartitionGrain.WaitDurableAsync"/> with its
/// <see cref="LastOffset"/> and <see cref="LeaderEpoch"/> waits until it is.
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct PendingAppend(
    [property: Id(0)] AppendResult Result,
    [property: Id(1)] long LastOffset,
    [property: Id(2)] int LeaderEpoch)
{
    /// <summary>True when the append added nothing that still has to reach storage (every batch was a duplicate already durable).</summary>
    public bool IsDurable => LastOffset < 0;
}
