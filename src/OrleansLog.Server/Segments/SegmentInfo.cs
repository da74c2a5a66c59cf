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
}
