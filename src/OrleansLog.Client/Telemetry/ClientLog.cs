using Microsoft.Extensions.Logging;

namespace OrleansLog.Client.Telemetry;

/// <summary>
/// What the client says about itself: retries (first of a run at Warning, later ones at Debug), failures that reach the application,
/// offset resets, and group membership: joins, assignments and lost memberships.
/// </summary>
internal static partial class ClientLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending to {Topic}-{Partition} failed ({ErrorType}: {Error}); retrying within the delivery timeout")]
    public static partial void SendRetrying(ILogger logger, string topic, int partition, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivery of {Records} records to {Topic}-{Partition} failed: {Error}")]
    public static partial void DeliveryFailed(ILogger logger, int records, string topic, int partition, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotent producer starts epoch {Epoch} for {Topic}-{Partition}: whether the failed batches landed is unknown")]
    public static partial void EpochBumped(ILogger logger, int epoch, string topic, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching {Topic}-{Partition} at offset {Offset} failed ({ErrorType}: {Error}); retrying")]
    public static partial void FetchRetrying(ILogger logger, string topic, int partition, long offset, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Fetching {Topic}-{Partition} at offset {Offset} failed again ({ErrorType}); retry {Retry}")]
    public static partial void FetchRetryingAgain(ILogger logger, string topic, int partition, long offset, string errorType, int retry);

    [LoggerMessage(Level = LogLevel.Error, Message = "Fetching {Topic}-{Partition} at offset {Offset} failed: {Error}")]
    public static partial void FetchFailed(ILogger logger, string topic, int partition, long offset, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Offset {Offset} of {Topic}-{Partition} is out of range ({LogStart}..{LogEnd}); auto.offset.reset={Reset} moves to {NewOffset}")]
    public static partial void OffsetReset(ILogger logger, long offset, string topic, int partition, long logStart, long logEnd, AutoOffsetReset reset, long newOffset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Joined group {GroupId} as {MemberId} in generation {Generation}")]
    public static partial void Joined(ILogger logger, string groupId, string memberId, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {GroupId} generation {Generation}: assigned {Assigned}, revoked {Revoked}")]
    public static partial void AssignmentChanged(ILogger logger, string groupId, int generation, string assigned, string revoked);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Group {GroupId} dropped member {MemberId} ({Reason}); its {Owned} partitions are lost and it rejoins")]
    public static partial void MembershipLost(ILogger logger, string groupId, string? memberId, string reason, int owned);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat to group {GroupId} failed ({ErrorType}: {Error}); retrying")]
    public static partial void HeartbeatRetrying(ILogger logger, string groupId, string errorType, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auto-commit to group {GroupId} failed ({ErrorType}: {Error}); the next one retries")]
    public static partial void AutoCommitFailed(ILogger logger, string groupId, string errorType, string error);
}
