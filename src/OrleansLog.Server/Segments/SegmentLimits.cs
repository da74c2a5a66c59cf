namespace OrleansLog.Segments;

/// <summary>
/// The limits every <see cref="ISegmentStore"/> honours, taken from Azure append blobs so that a log written to memory in a test
/// seals its segments exactly where it would in Blob Storage.
/// </summary>
internal static class SegmentLimits
{
    /// <summary>The largest block one append may carry (Azure's append-blob block limit).</summary>
    public const int MaxAppendBlockBytes = 4 * 1024 * 1024;

    /// <summary>The most blocks a segment may hold; a segment is sealed before it gets there.</summary>
    public const int MaxAppendBlocks = 50_000;
}
