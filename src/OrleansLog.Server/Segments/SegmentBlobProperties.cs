namespace OrleansLog.Segments;

/// <summary>What recovery needs to know of an active segment's blob.</summary>
internal sealed record SegmentBlobProperties(long Size, DateTimeOffset CreatedOn, int BlockCount);
