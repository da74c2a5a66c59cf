using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.Groups.Classic;

/// <summary>A classic SyncGroup: every member sends one; the leader's carries the assignment of every member.</summary>
[GenerateSerializer, Immutable]
public sealed record ClassicSyncRequest
{
    /// <summary>The member's id.</summary>
    [Id(0)]
    public string MemberId { get; init; } = "";

    /// <summary>The member's <c>group.instance.id</c>, or null.</summary>
    [Id(1)]
    public string? InstanceId { get; init; }

    /// <summary>The generation the member joined.</summary>
    [Id(2)]
    public int Generation { get; init; }

    /// <summary>The protocol type the member believes in (v5+), or null; a mismatch is InconsistentGroupProtocol.</summary>
    [Id(3)]
    public string? ProtocolType { get; init; }

    /// <summary>The protocol name the member believes in (v5+), or null; a mismatch is InconsistentGroupProtocol.</summary>
    [Id(4)]
    public string? ProtocolName { get; init; }

    /// <summary>The leader's assignment, member id to opaque assignment bytes; empty from the other members.</summary>
    [Id(5)]
    public ClassicMemberAssignment[] Assignments { get; init; } = [];
}

/// <summary>The assignment bytes the leader computed for one member.</summary>
[GenerateSerializer, Immutable]
public sealed record ClassicMemberAssignment([property: Id(0)] string MemberId, [property: Id(1)] byte[] Assignment);

/// <summary>
/// The answer to a classic SyncGroup, given once the leader's assignment arrived: this member's assignment bytes. Error is None,
/// UnknownMemberId, FencedInstanceId, IllegalGeneration, RebalanceInProgress or InconsistentGroupProtocol.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClassicSyncResult(
    [property: Id(0)] ErrorCode Error,
    [property: Id(1)] string? ProtocolType,
    [property: Id(2)] string? ProtocolName,
    [property: Id(3)] byte[] Assignment);
