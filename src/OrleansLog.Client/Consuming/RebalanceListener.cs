namespace OrleansLog.Client;

/// <summary>
/// What a subscribed consumer calls when the group changes its assignment. The callbacks run on the consumer's background group task, one at a
/// time; the group waits for <see cref="PartitionsRevoked"/> to return before it hands the partitions to their next owner.
/// </summary>
public sealed record RebalanceListener
{
    /// <summary>Partitions were added to this consumer's assignment; fetching them has started at their committed offsets (seek here to start elsewhere).</summary>
    public Func<IReadOnlyList<TopicPartition>, ValueTask>? PartitionsAssigned { get; init; }

    /// <summary>Partitions are about to move to another member: commit or flush work for them now. Auto-commit commits their positions right after.</summary>
    public Func<IReadOnlyList<TopicPartition>, ValueTask>? PartitionsRevoked { get; init; }

    /// <summary>Partitions were lost (the session expired or the member was fenced): another member may own them already, so do not commit them.</summary>
    public Func<IReadOnlyList<TopicPartition>, ValueTask>? PartitionsLost { get; init; }
}
