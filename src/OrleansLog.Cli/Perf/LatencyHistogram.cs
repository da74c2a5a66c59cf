namespace OrleansLog.Cli.Perf;

/// <summary>
/// Latencies in microseconds in log-linear buckets (64 per power of two, so a percentile is within about 1.6% of the truth),
/// recorded lock-free from any thread with a fixed footprint however many samples arrive.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private readonly long[] _counts = new long[(64 - SubBucketBits + 1) * SubBuckets];
    private long _count;
    private long _sum;
    private long _max;

    /// <summary>How many samples were recorded.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>The largest sample, in microseconds.</summary>
    public long Max => Interlocked.Read(ref _max);

    /// <summary>The mean sample, in microseconds (0 with no samples).</summary>
    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    /// <summary>Records one latency in microseconds (negative values count as 0).</summary>
    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        Interlocked.Increment(ref _counts[BucketOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        var max = Interlocked.Read(ref _max);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>The value at <paramref name="percentile"/> (0 to 100) in microseconds: the upper edge of its bucket, never above <see cref="Max"/>.</summary>
    public long Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        var count = Count;
        if (count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * count));
        long seen = 0;
        for (var bucket = 0; bucket < _counts.Length; bucket++)
        {
            seen += Interlocked.Read(ref _counts[bucket]);
            if (seen >= rank)
            {
                return Math.Min(UpperEdge(bucket), Max);
            }
        }

        return Max;
    }

    // Values below 64 get a bucket each; above, each power of two [2^k, 2^(k+1)) splits into 64 equal buckets.
    private static int BucketOf(long value)
    {
        if (value < SubBuckets)
        {
            return (int)value;
        }

        var exponent = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)value);
        var shift = exponent - SubBucketBits;
        var sub = (int)(value >> shift) - SubBuckets;
        return ((shift + 1) * SubBuckets) + sub;
    }

    private static long UpperEdge(int bucket)
    {
        if (bucket < SubBuckets)
        {
            return bucket;
        }

        var shift = (bucket / SubBuckets) - 1;
        var sub = bucket % SubBuckets;
        return ((long)(SubBuckets + sub + 1) << shift) - 1;
    }
}
