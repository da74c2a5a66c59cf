namespace OrleansLog.Segments;

/// <summary>A sparse index point: the batch at <paramref name="Position"/> starts at <paramref name="Offset"/>, and every batch before it has timestamps at most <paramref name="MaxTimestampBefore"/>.</summary>
internal readonly record struct IndexEntry(long Offset, long Position, long MaxTimestampBefore);
