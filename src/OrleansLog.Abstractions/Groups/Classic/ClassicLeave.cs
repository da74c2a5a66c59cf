using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.Groups.Classic;

/// <summary>One member leaving a classic group: by member id, or by instance id for a static member (LeaveGroup v3+ batch leave).</summary>
[GenerateSerializer, Immutable]
public sealed record ClassicLeavingMember([property: Id(0)] string MemberId, [property: Id(1)] string? InstanceId);

/// <summary>What leaving did for one member: None, UnknownMemberId or FencedInstanceId.</summary>
[GenerateSerializer, Immutable]
public sealed record ClassicLeaveResult(
    [property: Id(0)] string MemberId,
    [property: Id(1)] string? InstanceId,
    [property: Id(2)] ErrorCode Error);
