namespace OrleansLog.Partitions;

/// <summary>Where an append landed: the first batch's base offset; later batches of the same call follow contiguously.</summary>
[GenerateSerializer, Immutable]
public readonly record struct AppendResult(
    [property: Id(0)] long BaseOffset,
    [property: Id(1)] long LogAppendTime,
    [property: Id(2)] long LogStartOffset);
