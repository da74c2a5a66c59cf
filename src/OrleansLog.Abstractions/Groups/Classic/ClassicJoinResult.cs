using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.Groups.Classic;

/// <summary>
/// The answer to a classic JoinGroup, given when the join barrier completes (or at once for an error). The leader receives every
/// member with its metadata for the chosen protocol; the others an empty member list.
/// </summary>
/// <param name="Error">
/// None, or Kafka's error: MemberIdRequired (join again with <paramref name="MemberId"/>), UnknownMemberId, FencedInstanceId,
/// InconsistentGroupProtocol, InvalidSessionTimeout, RebalanceInProgress, GroupMaxSizeReached, NotCoordinator.
/// </param>
/// <param name="Generation">The new generation, or -1 with an error.</param>
/// <param name="ProtocolType">The group's protocol type.</param>
/// <param name="ProtocolName">The protocol chosen for this generation: one every member supports.</param>
/// <param name="LeaderId">The member that computes the assignment.</param>
/// <param name="SkipAssignment">True when the leader is a static member that rejoined with unchanged metadata and must not reassign (KIP-814).</param>
/// <param name="MemberId">The member id to use from now on (also given with MemberIdRequired).</param>
/// <param name="Members">The members with their metadata for the chosen protocol; only for the leader.</param>
[GenerateSerializer, Immutable]
public sealed record ClassicJoinResult(
    [property: Id(0)] ErrorCode Error,
    [property: Id(1)] int Generation,
    [property: Id(2)] string? ProtocolType,
    [property: Id(3)] string? ProtocolName,
    [property: Id(4)] string LeaderId,
    [property: Id(5)] bool SkipAssignment,
    [property: Id(6)] string MemberId,
    [property: Id(7)] ClassicJoinedMember[] Members);

/// <summary>A member as the leader sees it in a JoinGroup answer.</summary>
[GenerateSerializer, Immutable]
public sealed record ClassicJoinedMember(
    [property: Id(0)] string MemberId,
    [property: Id(1)] string? InstanceId,
    [property: Id(2)] byte[] Metadata);
