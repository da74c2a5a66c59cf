namespace OrleansLog.Partitions;

/// <summary>Whole record batches from one partition, with the log's bounds at the time of the fetch.</summary>
/// <remarks>Each chunk holds one or more complete batches back to back; the first batch may start before the fetch offset.</remarks>
[GenerateSerializer, Immutable]
public sealed record FetchResult(
    [property: Id(0)] long HighWatermark,
    [property: Id(1)] long LogStartOffset,
    [property: Id(2)] ReadOnlyMemory<byte>[] Chunks)
{
    /// <summary>The total size of the batches returned.</summary>
    public int SizeBytes
    {
        get
        {
            var size = 0;
            foreach (var chunk in Chunks)
            {
                size += chunk.Length;
            }

            return size;
        }
    }
}
