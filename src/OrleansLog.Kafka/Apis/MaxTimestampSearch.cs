using OrleansLog.Partitions;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// Finds a partition's largest record timestamp and the first offset that carries it (ListOffsets' MAX_TIMESTAMP, -3) with the
/// partition's own timestamp lookup: "some record has a timestamp at or after t" holds up to the largest timestamp and fails
/// past it, so a search over t finds it. Each hit also names the timestamp it found, which moves the lower bound further.
/// Starting from the last batch's largest timestamp, logs whose timestamps only grow need two lookups.
/// </summary>
internal static class MaxTimestampSearch
{
    /// <summary>The first record with the partition's largest timestamp, or (-1, -1) when the partition has no record with one.</summary>
    /// <param name="lookup">The partition's lookup: the first offset whose timestamp is at least t and that timestamp, or (-1, -1).</param>
    /// <param name="guess">A timestamp the largest is likely to be (the last batch's max timestamp), or -1 when unknown.</param>
    public static async Task<OffsetAndTimestamp> FindAsync(Func<long, Task<OffsetAndTimestamp>> lookup, long guess)
    {
        // Invariant: best is a record with the largest timestamp seen (best.Timestamp <= max), and no record has one >= high.
        long high;
        var best = await lookup(Math.Max(0, guess)).ConfigureAwait(false);
        if (best.Offset < 0)
        {
            high = Math.Max(0, guess);
            if (high == 0)
            {
                return new OffsetAndTimestamp(-1, -1);
            }

            best = await lookup(0).ConfigureAwait(false);
            if (best.Offset < 0)
            {
                return new OffsetAndTimestamp(-1, -1);
            }
        }
        else
        {
            // Gallop up from the hit until a probe finds nothing.
            var step = 1L;
            while (true)
            {
                var probe = best.Timestamp > long.MaxValue - step ? long.MaxValue : best.Timestamp + step;
                var found = await lookup(probe).ConfigureAwait(false);
                if (found.Offset < 0)
                {
                    high = probe;
                    break;
                }

                best = found;
                if (probe == long.MaxValue)
                {
                    return best;
                }

                step = step > long.MaxValue / 2 ? long.MaxValue : step * 2;
            }
        }

        while (high - best.Timestamp > 1)
        {
            var probe = best.Timestamp + ((high - best.Timestamp) / 2);
            var found = await lookup(probe).ConfigureAwait(false);
            if (found.Offset < 0)
            {
                high = probe;
            }
            else
            {
                best = found;
            }
        }

        // lookup(t) answers the first record at or after t, so the hit that raised best to the maximum is its first record.
        return best;
    }
}
