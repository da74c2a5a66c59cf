namespace OrleansLog.Partitions;

/// <summary>One batch held in a partition's in-memory tail: its offsets, newest timestamp and bytes (a slice of the buffer it arrived in).</summary>
internal readonly record struct TailEntry(long BaseOffset, long LastOffset, long MaxTimestamp, ReadOnlyMemory<byte> Batch);
