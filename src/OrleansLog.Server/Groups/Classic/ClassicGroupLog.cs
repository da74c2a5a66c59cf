using Microsoft.Extensions.Logging;

namespace OrleansLog.Groups;

/// <summary>What a classic group logs: joins, leaves, expiries and each step of a rebalance.</summary>
internal static partial class ClassicGroupLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: member {MemberId} (instance {InstanceId}, client {ClientId}) joined: {Reason}")]
    public static partial void Joined(ILogger logger, string groupId, string memberId, string? instanceId, string clientId, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: static member {InstanceId} rejoined; member id {OldMemberId} is fenced, now {MemberId}")]
    public static partial void StaticRejoined(ILogger logger, string groupId, string instanceId, string oldMemberId, string memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: member {MemberId} (instance {InstanceId}) left")]
    public static partial void Left(ILogger logger, string groupId, string memberId, string? instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: member {MemberId} (instance {InstanceId}) removed after {TimeoutMs} ms without a heartbeat or SyncGroup")]
    public static partial void Expired(ILogger logger, string groupId, string memberId, string? instanceId, long timeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: member {MemberId} (instance {InstanceId}) removed: it did not rejoin within {ElapsedMs} ms of the rebalance")]
    public static partial void MissedRebalance(ILogger logger, string groupId, string memberId, string? instanceId, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: rebalancing from generation {Generation} ({Reason}); waiting up to {TimeoutMs} ms for members to rejoin")]
    public static partial void PreparingRebalance(ILogger logger, string groupId, int generation, string reason, long timeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: generation {Generation} with protocol {Protocol}, leader {LeaderId}, {Members} members; waiting for the assignment")]
    public static partial void JoinCompleted(ILogger logger, string groupId, int generation, string protocol, string leaderId, int members);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: generation {Generation} is stable ({Protocol}, {Members} members)")]
    public static partial void Stable(ILogger logger, string groupId, int generation, string? protocol, int members);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: empty at generation {Generation}")]
    public static partial void Empty(ILogger logger, string groupId, int generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Classic group {GroupId}: member {MemberId} refused: protocol type {ProtocolType} with protocols [{Protocols}] does not match the group's members")]
    public static partial void InconsistentProtocol(ILogger logger, string groupId, string memberId, string protocolType, string protocols);
}
