namespace OrleansLog.Groups;

/// <summary>The group's answer to a join or heartbeat: which partitions the member owns now, under which generation.</summary>
/// <param name="MemberId">The member id the group assigned; send it with every later call.</param>
/// <param name="Generation">The group's generation; commits must carry it.</param>
/// <param name="Partitions">The partitions the member may consume now. Owned partitions missing here must be revoked (then reported by the next heartbeat); new ones may be started at once.</param>
/// <param name="Reconciling">True while the member's target differs from what it owns (it waits for a revocation elsewhere); heartbeat again soon.</param>
[GenerateSerializer, Immutable]
public sealed record MemberAssignment(
    [property: Id(0)] string MemberId,
    [property: Id(1)] int Generation,
    [property: Id(2)] TopicPartition[] Partitions,
    [property: Id(3)] bool Reconciling);
