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
