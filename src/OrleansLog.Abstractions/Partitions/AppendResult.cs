namespace OrleansLog.Partitions;

/// <summary>
/// Where an append landed: the first batch's base offset; later batches of the same call follow contiguously, unless
/// <see cref="BatchBaseOffsets"/> says otherwise (a retried call some of whose batches had already landed).
/// </summary>
[GenerateSerializer, Immutable]
public readonly record struct AppendResult(
    [property: Id(0)] long BaseOffset,
    [property: Id(1)] long LogAppendTime,
    [property: Id(2)] long LogStartOffset,
    [property: Id(3)] long[]? BatchBaseOffsets = null)
{
    /// <summary>The base offset of batch <paramref name="index"/> of the call, whose earlier batches held <paramref name="recordsBefore"/> records.</summary>
    public long BaseOffsetOf(int index, long recordsBefore) =>
        BatchBaseOffsets is { } offsets ? offsets[index] : BaseOffset + recordsBefore;
}
