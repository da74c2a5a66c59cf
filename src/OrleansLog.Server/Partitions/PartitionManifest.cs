using OrleansLog.Segments;

namespace OrleansLog.Partitions;

/// <summary>The durable description of a partition's log (grain state): its sealed segments, where the active one starts, and the leader epoch.</summary>
[GenerateSerializer]
internal sealed class PartitionManifest
{
    /// <summary>The first offset the log still holds; retention moves it forward.</summary>
    [Id(0)]
    public long LogStartOffset { get; set; }

    /// <summary>Bumped by every activation, so a batch records which activation wrote it.</summary>
    [Id(1)]
    public int LeaderEpoch { get; set; }

    /// <summary>The sealed segments, oldest first.</summary>
    [Id(2)]
    public List<SegmentInfo> Segments { get; set; } = [];

    /// <summary>The base offset of the active segment (its blob exists once something was flushed to it).</summary>
    [Id(3)]
    public long ActiveBaseOffset { get; set; }

    /// <summary>The idempotent producers' state as of the end of the last sealed segment; recovery adds what the active segment holds.</summary>
    [Id(4)]
    public List<ProducerSnapshot> Producers { get; set; } = [];

    /// <summary>
    /// The high watermark at the last clean stop (everything durable, lease released); null while an activation runs, and after
    /// one crashed. With it an idle partition can be described without activating it.
    /// </summary>
    [Id(5)]
    public long? StoppedHighWatermark { get; set; }

    /// <summary>The bytes in the active segment at the last clean stop (meaningful only with <see cref="StoppedHighWatermark"/>).</summary>
    [Id(6)]
    public long StoppedActiveSegmentBytes { get; set; }

    /// <summary>
    /// Compacted topics: the offset up to which the sealed segments were compacted (the log cleaner's checkpoint); records from
    /// here on are "dirty", not yet compared with newer records of their key.
    /// </summary>
    [Id(7)]
    public long CleanedUpTo { get; set; }

    /// <summary>When (Unix ms) compaction last switched this partition to a compacted set of segments; null if never.</summary>
    [Id(8)]
    public long? LastCompactionMs { get; set; }

    /// <summary>
    /// Switches to what a compaction pass wrote: its replacement takes the place of the segments it replaced, in one change (the
    /// caller writes it with one conditional write). False, changing nothing, when those segments are no longer the manifest's
    /// first ones (retention removed some meanwhile): the pass is void and its new blobs are to be deleted.
    /// </summary>
    public bool TrySwitchTo(Compaction.CompactionResult result, long nowMs)
    {
        if (Segments.Count < result.Replaced.Count || !Segments.Take(result.Replaced.Count).SequenceEqual(result.Replaced))
        {
            return false;
        }

        Segments.RemoveRange(0, result.Replaced.Count);
        Segments.InsertRange(0, result.Replacement);
        CleanedUpTo = Math.Max(CleanedUpTo, result.CleanedUpTo);
        LastCompactionMs = nowMs;
        return true;
    }

    /// <summary>
    /// Describes partition <paramref name="partition"/> from this manifest alone, as it was at its last clean stop; null when the
    /// manifest cannot say (an activation runs now, or the last one crashed), so only the partition itself can answer.
    /// </summary>
    /// <param name="partition">The partition number.</param>
    /// <param name="compacted">True when the topic compacts: the description then carries the dirty ratio.</param>
    public PartitionDescription? DescribeStopped(int partition, bool compacted = false) =>
        StoppedHighWatermark is { } highWatermark ? Describe(partition, highWatermark, StoppedActiveSegmentBytes, host: null, compacted) : null;

    /// <summary>
    /// Describes partition <paramref name="partition"/> with its sealed segments from this manifest and the given end of the log,
    /// active segment size and host (null: no activation answered).
    /// </summary>
    public PartitionDescription Describe(int partition, long highWatermark, long activeSegmentBytes, string? host, bool compacted)
    {
        var size = activeSegmentBytes;
        foreach (var segment in Segments)
        {
            size += segment.SizeBytes;
        }

        var segments = Segments.Count + (activeSegmentBytes > 0 ? 1 : 0);
        return new PartitionDescription(partition, LogStartOffset, highWatermark, segments, size, LeaderEpoch, host)
        {
            DirtyRatio = compacted ? Compaction.CompactionSchedule.DirtyRatio(Segments, CleanedUpTo) : null,
            LastCompaction = LastCompactionMs is { } last ? DateTimeOffset.FromUnixTimeMilliseconds(last) : null,
        };
    }
}
