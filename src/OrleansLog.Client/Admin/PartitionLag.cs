namespace OrleansLog.Client;

/// <summary>How far a consumer group is behind in one partition.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="CommittedOffset">The group's committed offset, or -1 when it has none.</param>
/// <param name="LogEndOffset">The partition's log end offset (high watermark).</param>
/// <param name="Lag">Log end offset minus committed offset (minus the log start offset when nothing is committed).</param>
/// <param name="MemberId">The member that owns the partition now, or null.</param>
/// <param name="ClientId">That member's client id, or null.</param>
/// <param name="Host">That member's host, or null.</param>
public sealed record PartitionLag(string Topic, int Partition, long CommittedOffset, long LogEndOffset, long Lag, string? MemberId, string? ClientId, string? Host);
