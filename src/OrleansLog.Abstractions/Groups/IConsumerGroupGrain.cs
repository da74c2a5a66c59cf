using OrleansLog.Groups.Classic;

namespace OrleansLog.Groups;

/// <summary>
/// Coordinates one consumer group, keyed by group id: membership and sessions, server-side assignment with the group's assignor,
/// cooperative hand-over of partitions, and committed offsets. A group with members is either a consumer-protocol group (the native
/// client and Kafka's KIP-848 ConsumerGroupHeartbeat: <see cref="JoinAsync"/>, <see cref="HeartbeatAsync"/>) or a classic group (Kafka's
/// JoinGroup and SyncGroup: the <c>*ClassicAsync</c> methods); a member of the other kind is refused while the group has members, and
/// an empty group takes the kind of its next member. Committed offsets are one set for both.
/// </summary>
[Alias("OrleansLog.Groups.IConsumerGroupGrain")]
public interface IConsumerGroupGrain : IGrainWithStringKey
{
    /// <summary>Adds a member (or, for a known <see cref="JoinGroupRequest.InstanceId"/>, replaces it) and returns its member id and first assignment.</summary>
    [Alias("Join")]
    Task<MemberAssignment> JoinAsync(JoinGroupRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps the member's session alive and reports the partitions it owns (so revoked ones can move on); returns at once when the member has
    /// something to do, otherwise waits up to <paramref name="maxWait"/> for a change of the group.
    /// </summary>
    [Alias("Heartbeat")]
    [ResponseTimeout("00:01:00")]
    Task<MemberAssignment> HeartbeatAsync(string memberId, TopicPartition[] ownedPartitions, TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>Removes the member at once; its partitions move without waiting for its session to expire. A static member keeps its place until its session expires.</summary>
    [Alias("Leave")]
    Task LeaveAsync(string memberId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits a member's offsets, fenced by member id, generation and ownership: throws <see cref="Errors.UnknownMemberException"/>,
    /// <see cref="Errors.FencedInstanceIdException"/> or <see cref="Errors.IllegalGenerationException"/> when the member may not commit them.
    /// </summary>
    [Alias("CommitOffsets")]
    Task CommitOffsetsAsync(string memberId, int generation, CommittedOffset[] offsets, CancellationToken cancellationToken = default);

    /// <summary>
    /// Commits offsets for a consumer outside the group (one that assigns its partitions itself), which only an empty group accepts: throws
    /// <see cref="Errors.UnknownMemberException"/> while the group has members.
    /// </summary>
    [Alias("CommitStandaloneOffsets")]
    Task CommitStandaloneOffsetsAsync(CommittedOffset[] offsets, CancellationToken cancellationToken = default);

    /// <summary>The committed offsets of <paramref name="partitions"/>, or of every partition when null; partitions without a commit are left out.</summary>
    [Alias("FetchOffsets")]
    Task<CommittedOffset[]> FetchOffsetsAsync(TopicPartition[]? partitions, CancellationToken cancellationToken = default);

    /// <summary>
    /// The committed offsets, as <see cref="FetchOffsetsAsync"/>, for a member that asks under its member epoch (Kafka's OffsetFetch
    /// v9 from a KIP-848 consumer): throws <see cref="Errors.UnknownMemberException"/> when it is not a member of the group and
    /// <see cref="Errors.StaleMemberEpochException"/> when its epoch is not the group's.
    /// </summary>
    [Alias("FetchMemberOffsets")]
    Task<CommittedOffset[]> FetchMemberOffsetsAsync(string memberId, int memberEpoch, TopicPartition[]? partitions, CancellationToken cancellationToken = default);

    /// <summary>Describes the group: state, generation, members, assignments and committed offsets.</summary>
    [Alias("Describe")]
    Task<GroupDescription> DescribeAsync(CancellationToken cancellationToken = default);

    /// <summary>Overwrites committed offsets; throws <see cref="Errors.GroupNotEmptyException"/> while the group has members.</summary>
    [Alias("ResetOffsets")]
    Task ResetOffsetsAsync(CommittedOffset[] offsets, CancellationToken cancellationToken = default);

    /// <summary>Throws <see cref="Errors.GroupNotEmptyException"/> while the group has members (a dry-run offset reset calls this).</summary>
    [Alias("EnsureEmpty")]
    Task EnsureEmptyAsync(CancellationToken cancellationToken = default);

    /// <summary>Deletes the group and its committed offsets; throws <see cref="Errors.GroupNotEmptyException"/> while it has members.</summary>
    [Alias("Delete")]
    Task DeleteAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A classic JoinGroup: adds or rejoins the member and answers when the join barrier completes: when every known member has rejoined,
    /// or the rebalance timeout has passed and the missing members are removed. Errors that need no barrier are answered at once.
    /// </summary>
    [Alias("JoinClassic")]
    [ResponseTimeout("00:30:00")]
    Task<ClassicJoinResult> JoinClassicAsync(ClassicJoinRequest request, CancellationToken cancellationToken = default);

    /// <summary>A classic SyncGroup: answers with the member's assignment once the leader has sent the generation's assignment.</summary>
    [Alias("SyncClassic")]
    [ResponseTimeout("00:30:00")]
    Task<ClassicSyncResult> SyncClassicAsync(ClassicSyncRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// A classic Heartbeat: keeps the member's session alive. Answers None, RebalanceInProgress (rejoin), IllegalGeneration,
    /// UnknownMemberId or FencedInstanceId.
    /// </summary>
    [Alias("HeartbeatClassic")]
    Task<Errors.ErrorCode> HeartbeatClassicAsync(string memberId, string? instanceId, int generation, CancellationToken cancellationToken = default);

    /// <summary>A classic LeaveGroup: removes the members at once and starts a rebalance for the others; one result per member, in order.</summary>
    [Alias("LeaveClassic")]
    Task<ClassicLeaveResult[]> LeaveClassicAsync(ClassicLeavingMember[] members, CancellationToken cancellationToken = default);

    /// <summary>
    /// A Kafka OffsetCommit: with generation -1 and no member id, a commit from outside the group (allowed while the group is empty);
    /// otherwise fenced as Kafka fences it: <see cref="Errors.UnknownMemberException"/>, <see cref="Errors.FencedInstanceIdException"/>,
    /// <see cref="Errors.IllegalGenerationException"/> (for a consumer-protocol group, the member epoch is the generation) or
    /// <see cref="Errors.RebalanceInProgressException"/> while a classic group waits for its assignment.
    /// </summary>
    [Alias("CommitKafkaOffsets")]
    Task CommitKafkaOffsetsAsync(string memberId, string? instanceId, int generation, CommittedOffset[] offsets, CancellationToken cancellationToken = default);

    /// <summary>
    /// Kafka's OffsetDelete: forgets the committed offsets of <paramref name="partitions"/>; throws
    /// <see cref="Errors.GroupSubscribedToTopicException"/> when a member subscribes to one of their topics.
    /// </summary>
    [Alias("DeleteOffsets")]
    Task DeleteOffsetsAsync(TopicPartition[] partitions, CancellationToken cancellationToken = default);
}
