namespace OrleansLog.Partitions;

/// <summary>Whole record batches from one partition, back to back, with the log's bounds at the time of the fetch.</summary>
/// <remarks>
/// The first batch may start before the fetch offset (a fetch returns the whole batch holding it). One contiguous array,
/// because Orleans moves a <c>byte[]</c> several times faster than an array of memory slices.
/// </remarks>
[GenerateSerializer, Immutable]
public sealed record FetchResult(
    [property: Id(0)] long HighWatermark,
    [property: Id(1)] long LogStartOffset,
    [property: Id(2)] byte[] Records);
