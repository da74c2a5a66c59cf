namespace OrleansLog.Segments;

/// <summary>A sealed segment as the partition manifest records it.</summary>
[GenerateSerializer]
internal sealed record SegmentInfo
{
    /// <summary>The offset of the segment's first batch.</summary>
    [Id(0)]
    public long BaseOffset { get; init; }

    /// <summary>The last offset the segment holds.</summary>
    [Id(1)]
    public long LastOffset { get; init; }

    /// <summary>The bytes of valid batches in the segment blob (a torn tail beyond this is ignored).</summary>
    [Id(2)]
    public long SizeBytes { get; init; }

    /// <summary>The smallest batch first-timestamp in the segment.</summary>
    [Id(3)]
    public long FirstTimestamp { get; init; }

    /// <summary>The largest record timestamp in the segment; retention.ms is measured from it.</summary>
    [Id(4)]
    public long MaxTimestamp { get; init; }

    /// <summary>
    /// 0 for a segment as the partition wrote it; each compaction that rewrites it writes generation + 1 under a new blob name,
    /// so the old and the new set exist side by side until the manifest switches.
    /// </summary>
    [Id(5)]
    public int Generation { get; init; }
}
