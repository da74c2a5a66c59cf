using OrleansLog.Records;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// The byte limits of one fetch response (KIP-74): the response's max_bytes across its partitions, in request order, and each
/// partition's partition_max_bytes, in whole record batches. The first batch of the response is always taken whole, however
/// large, so that a consumer never stalls behind a batch bigger than its limits.
/// </summary>
internal sealed class FetchBudget(int maxBytes)
{
    private long _remaining = Math.Max(0, maxBytes);

    /// <summary>The record bytes taken so far.</summary>
    public long Used { get; private set; }

    /// <summary>
    /// Takes the leading whole batches of <paramref name="records"/> that fit both <paramref name="partitionMaxBytes"/> and what is
    /// left of the response's limit, and returns their length; the first batch of the response is taken regardless.
    /// </summary>
    /// <param name="records">Whole batches, back to back (a partition's fetch result).</param>
    /// <param name="partitionMaxBytes">The partition's limit.</param>
    public int Take(ReadOnlySpan<byte> records, int partitionMaxBytes)
    {
        var limit = Math.Min(Math.Max(0, partitionMaxBytes), _remaining);
        var length = 0;
        while (RecordBatch.TryPeek(records[length..], out var header))
        {
            var firstOfResponse = Used == 0 && length == 0;
            if (!firstOfResponse && length + (long)header.TotalSize > limit)
            {
                break;
            }

            length += header.TotalSize;
        }

        Used += length;
        _remaining = Math.Max(0, _remaining - length);
        return length;
    }
}
