using Microsoft.Extensions.Logging;

namespace OrleansLog.Partitions;

/// <summary>What a partition logs, shared by the grain and the classes it coordinates (all under the grain's logger category).</summary>
internal static partial class PartitionLogging
{
    [LoggerMessage(Level = LogLevel.Critical, Message = "Partition {Topic}-{Partition}: storage holds the log only up to offset {RecoveredEnd}, but this silo acknowledged offsets up to {Acknowledged} as durable. Storage lost acknowledged writes (the log went backwards); offsets from {RecoveredEnd} will be assigned again. Check the storage account or emulator")]
    public static partial void RecoveredShorterThanAcknowledged(this ILogger logger, string topic, int partition, long recoveredEnd, long acknowledged);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Partition {Topic}-{Partition}: producer {ProducerId} sent sequence {Received}, but the next sequence the log holds for it is {Expected} (log end offset {LogEnd}). Batches it had acknowledged are gone from storage (the log went backwards). Check the storage account or emulator")]
    public static partial void SequencesMissing(this ILogger logger, string topic, int partition, long producerId, int received, int expected, long logEnd);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} recovered in {ElapsedMs:F0} ms: offsets {LogStartOffset} to {HighWatermark}, leader epoch {LeaderEpoch}; replayed {ReplayedBytes} of the active segment's {SegmentBytes} bytes")]
    public static partial void Recovered(this ILogger logger, string topic, int partition, double elapsedMs, long logStartOffset, long highWatermark, int leaderEpoch, long replayedBytes, long segmentBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition}: recovery checkpoint {Blob} not written or deleted ({Reason}); recovery scans more of the segment until the next one")]
    public static partial void CheckpointNotWritten(this ILogger logger, string topic, int partition, string blob, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition}: recovery checkpoint {Blob} ignored: {Reason}; scanning the whole active segment")]
    public static partial void CheckpointIgnored(this ILogger logger, string topic, int partition, string blob, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition}: segment {Blob} is damaged at byte {Position} ({Damage}); sealing it there")]
    public static partial void TornTail(this ILogger logger, string topic, int partition, string blob, long position, string damage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} sealed segment {BaseOffset}..{LastOffset} ({SizeBytes} bytes)")]
    public static partial void Sealed(this ILogger logger, string topic, int partition, long baseOffset, long lastOffset, long sizeBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} retention deleted {Segments} segments; log start offset is now {LogStartOffset}")]
    public static partial void Retention(this ILogger logger, string topic, int partition, int segments, long logStartOffset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} is fenced: {Reason}")]
    public static partial void Fenced(this ILogger logger, string topic, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} storage step failed, retrying in {Delay}: {Reason}")]
    public static partial void StorageRetry(this ILogger logger, string topic, int partition, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Partition {Topic}-{Partition} gave up on storage after {Timeout}")]
    public static partial void StorageGaveUp(this ILogger logger, string topic, int partition, TimeSpan timeout, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Partition {Topic}-{Partition} broke an invariant; deactivating so that it recovers from storage")]
    public static partial void InvariantBroken(this ILogger logger, string topic, int partition, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Partition {Topic}-{Partition} deactivated ({Reason}) at high watermark {HighWatermark} with {PendingBytes} bytes pending")]
    public static partial void Deactivated(this ILogger logger, string topic, int partition, string reason, long highWatermark, long pendingBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} stopped without recording its end in the manifest (describing it will activate it): {Reason}")]
    public static partial void CleanStopNotRecorded(this ILogger logger, string topic, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} deactivated with {PendingBytes} bytes not flushed")]
    public static partial void DeactivationFlushIncomplete(this ILogger logger, string topic, int partition, long pendingBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} compacted offsets up to {CleanedUpTo}: {Replaced} segments became {Replacement}, {ReclaimedBytes} bytes reclaimed, {ReadBytes} read, {MapKeys} keys in a key map of {MapBytes} bytes, in {DurationMs:F0} ms")]
    public static partial void Compacted(this ILogger logger, string topic, int partition, long cleanedUpTo, int replaced, int replacement, long reclaimedBytes, long readBytes, int mapKeys, long mapBytes, double durationMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} compaction was not applied: retention changed the segments meanwhile; the next maintenance tries again")]
    public static partial void CompactionSuperseded(this ILogger logger, string topic, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} compaction failed; the next maintenance tries again")]
    public static partial void CompactionFailed(this ILogger logger, string topic, int partition, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} deleted {Count} blobs no manifest refers to (left by a compaction or seal that stopped half way)")]
    public static partial void OrphansDeleted(this ILogger logger, string topic, int partition, int count);
}
