using Orleans.Concurrency;

namespace OrleansLog.Partitions;

/// <summary>Owns the log of one partition: assigns offsets, keeps the hot tail and writes segments to blob storage.</summary>
/// <remarks>Keyed by <see cref="PartitionGrainKey"/>.</remarks>
[Alias("OrleansLog.Partitions.IPartitionGrain")]
public interface IPartitionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Appends one or more v2 record batches (back to back in <paramref name="batches"/>), assigning offsets.
    /// The grain takes ownership of the buffer and rewrites each batch's base offset in place.
    /// </summary>
    [Alias("Append")]
    Task<AppendResult> AppendAsync([Immutable] byte[] batches, Acks acks, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends like <see cref="AppendAsync"/> with <see cref="Acks.Leader"/>, and says what <see cref="WaitDurableAsync"/> needs to
    /// wait for the batches to be durable. For callers that pipeline appends to one partition (the Kafka listener): the order of
    /// appends is fixed when this returns, so the next append can be sent while this one's durability is awaited.
    /// </summary>
    [Alias("AppendPending")]
    Task<PendingAppend> AppendPendingAsync([Immutable] byte[] batches, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes once the log is durable through <paramref name="lastOffset"/>. Throws <see cref="Errors.NotLeaderException"/>
    /// when the activation at <paramref name="leaderEpoch"/>, which assigned the offsets, is gone: what it had not flushed may be
    /// lost and its offsets given to other records, so the append must be retried (an idempotent producer's retry is recognised).
    /// </summary>
    [Alias("WaitDurable")]
    [ResponseTimeout("00:01:00")]
    Task WaitDurableAsync(long lastOffset, int leaderEpoch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns whole batches starting with the one that holds <paramref name="offset"/>, up to about <paramref name="maxBytes"/>
    /// (at least one batch), waiting up to <paramref name="maxWait"/> for data when the offset is at the end of the log.
    /// </summary>
    [Alias("Fetch")]
    [AlwaysInterleave]
    [ResponseTimeout("00:01:00")]
    Task<FetchResult> FetchAsync(long offset, int maxBytes, TimeSpan maxWait, CancellationToken cancellationToken = default);

    /// <summary>The earliest (<see cref="OffsetSpec.Earliest"/>), latest (<see cref="OffsetSpec.Latest"/>) or first offset whose timestamp is at least <paramref name="timestamp"/> (-1 if none).</summary>
    [Alias("ListOffset")]
    [AlwaysInterleave]
    Task<OffsetAndTimestamp> ListOffsetAsync(long timestamp, CancellationToken cancellationToken = default);

    /// <summary>Describes the log: start and end offsets, segments and bytes.</summary>
    [Alias("Describe")]
    [AlwaysInterleave]
    Task<PartitionDescription> DescribeAsync(CancellationToken cancellationToken = default);

    /// <summary>Applies a new topic configuration to the live partition.</summary>
    [Alias("UpdateConfig")]
    Task UpdateConfigAsync(Topics.TopicConfig config, CancellationToken cancellationToken = default);

    /// <summary>Stops the partition because its topic was deleted: fails waiting calls, forgets its state and deactivates.</summary>
    [Alias("Delete")]
    Task DeleteAsync(CancellationToken cancellationToken = default);
}
