using OrleansLog.Kafka.Apis;
using OrleansLog.Partitions;

namespace OrleansLog.Tests.Kafka;

public sealed class MaxTimestampSearchTests
{
    [Fact]
    public async Task Growing_timestamps_are_found_with_two_lookups_from_the_last_batch()
    {
        var log = new FakeTimestampLog([100, 200, 300, 400]);

        var found = await MaxTimestampSearch.FindAsync(log.LookupAsync, guess: 400);

        Assert.Equal(new OffsetAndTimestamp(3, 400), found);
        Assert.Equal(2, log.Lookups);
    }

    [Fact]
    public async Task The_first_record_with_the_largest_timestamp_is_found_anywhere_in_the_log()
    {
        var log = new FakeTimestampLog([5, 9_000, 10, 9_000, 20]);

        Assert.Equal(new OffsetAndTimestamp(1, 9_000), await MaxTimestampSearch.FindAsync(log.LookupAsync, guess: 20));
        Assert.Equal(new OffsetAndTimestamp(1, 9_000), await MaxTimestampSearch.FindAsync(log.LookupAsync, guess: 1_000_000));
        Assert.Equal(new OffsetAndTimestamp(1, 9_000), await MaxTimestampSearch.FindAsync(log.LookupAsync, guess: -1));
    }

    [Fact]
    public async Task A_log_without_timestamps_has_none()
    {
        Assert.Equal(new OffsetAndTimestamp(-1, -1), await MaxTimestampSearch.FindAsync(new FakeTimestampLog([]).LookupAsync, guess: 50));
        Assert.Equal(new OffsetAndTimestamp(-1, -1), await MaxTimestampSearch.FindAsync(new FakeTimestampLog([]).LookupAsync, guess: -1));
    }

    [Fact]
    public async Task Extreme_timestamps_are_found_without_overflow()
    {
        var log = new FakeTimestampLog([0, long.MaxValue, 3]);

        Assert.Equal(new OffsetAndTimestamp(1, long.MaxValue), await MaxTimestampSearch.FindAsync(log.LookupAsync, guess: 3));
        Assert.Equal(new OffsetAndTimestamp(0, 0), await MaxTimestampSearch.FindAsync(new FakeTimestampLog([0, 0]).LookupAsync, guess: 0));
    }

    [Fact]
    public async Task Random_logs_and_guesses_find_the_first_record_with_the_largest_timestamp_in_few_lookups()
    {
        var random = new Random(42);
        for (var round = 0; round < 500; round++)
        {
            var timestamps = Enumerable.Range(0, random.Next(1, 40)).Select(_ => 1_700_000_000_000L + random.Next(0, 1_000_000)).ToArray();
            var max = timestamps.Max();
            var guess = random.Next(3) switch
            {
                0 => timestamps[^1],
                1 => -1,
                _ => 1_700_000_000_000L + random.Next(0, 2_000_000),
            };
            var log = new FakeTimestampLog(timestamps);

            var found = await MaxTimestampSearch.FindAsync(log.LookupAsync, guess);

            Assert.Equal(new OffsetAndTimestamp(Array.IndexOf(timestamps, max), max), found);
            Assert.True(log.Lookups <= 130, $"{log.Lookups} lookups");
        }
    }

    // A partition's timestamp lookup over records at offsets 0..n-1: the first offset whose timestamp is at least t.
    private sealed class FakeTimestampLog(long[] timestamps)
    {
        public int Lookups { get; private set; }

        public Task<OffsetAndTimestamp> LookupAsync(long timestamp)
        {
            Assert.True(timestamp >= 0, $"lookup of negative timestamp {timestamp}");
            Lookups++;
            for (var offset = 0; offset < timestamps.Length; offset++)
            {
                if (timestamps[offset] >= timestamp)
                {
                    return Task.FromResult(new OffsetAndTimestamp(offset, timestamps[offset]));
                }
            }

            return Task.FromResult(new OffsetAndTimestamp(-1, -1));
        }
    }
}
