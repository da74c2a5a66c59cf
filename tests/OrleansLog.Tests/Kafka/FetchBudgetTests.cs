using OrleansLog.Kafka.Apis;
using OrleansLog.Records;

namespace OrleansLog.Tests.Kafka;

public sealed class FetchBudgetTests
{
    [Fact]
    public void The_first_batch_of_a_response_is_taken_whole_above_both_limits()
    {
        var records = Batches(1000, 100);
        var budget = new FetchBudget(maxBytes: 10);

        Assert.Equal(BatchSize(1000), budget.Take(records, partitionMaxBytes: 10));
        Assert.Equal(BatchSize(1000), budget.Used);
    }

    [Fact]
    public void Later_partitions_get_only_whole_batches_within_what_is_left()
    {
        var budget = new FetchBudget(maxBytes: BatchSize(100) * 3);

        Assert.Equal(BatchSize(100) * 2, budget.Take(Batches(100, 100), int.MaxValue));
        Assert.Equal(BatchSize(100), budget.Take(Batches(100, 100, 100), int.MaxValue));
        Assert.Equal(0, budget.Take(Batches(1), int.MaxValue));
    }

    [Fact]
    public void A_partition_past_an_empty_one_still_gets_the_first_batch_whole()
    {
        var budget = new FetchBudget(maxBytes: 50);

        Assert.Equal(0, budget.Take([], 50));
        Assert.Equal(BatchSize(500), budget.Take(Batches(500, 500), 50));
        Assert.Equal(0, budget.Take(Batches(1), 50));
    }

    [Fact]
    public void The_partition_limit_stops_a_partition_but_not_the_next()
    {
        var budget = new FetchBudget(maxBytes: int.MaxValue);

        Assert.Equal(BatchSize(100), budget.Take(Batches(100, 100), BatchSize(100) + 10));
        Assert.Equal(BatchSize(100) * 2, budget.Take(Batches(100, 100, 100), BatchSize(100) * 2));
    }

    [Fact]
    public void A_truncated_last_batch_is_never_taken()
    {
        var records = Batches(100, 100);
        var budget = new FetchBudget(maxBytes: int.MaxValue);

        Assert.Equal(BatchSize(100), budget.Take(records.AsSpan(0, records.Length - 5), int.MaxValue));
    }

    [Fact]
    public void Taking_never_exceeds_the_limits_after_the_first_batch()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var maxBytes = random.Next(0, 5000);
            var budget = new FetchBudget(maxBytes);
            var firstTaken = -1;
            for (var partition = 0; partition < 4; partition++)
            {
                var sizes = Enumerable.Range(0, random.Next(0, 5)).Select(_ => random.Next(0, 800)).ToArray();
                var records = Batches(sizes);
                var partitionMax = random.Next(0, 3000);
                var taken = budget.Take(records, partitionMax);

                // Whole batches only: a prefix of them.
                var prefix = 0;
                var whole = new List<int> { 0 };
                foreach (var size in sizes)
                {
                    prefix += BatchSize(size);
                    whole.Add(prefix);
                }

                Assert.Contains(taken, whole);
                if (firstTaken < 0 && taken > 0)
                {
                    firstTaken = taken;
                    Assert.True(taken <= Math.Max(Math.Min(partitionMax, maxBytes), BatchSize(sizes[0])));
                }
                else
                {
                    Assert.True(taken <= partitionMax);
                }
            }

            Assert.True(budget.Used <= Math.Max(maxBytes, firstTaken));
        }
    }

    private static int BatchSize(int valueBytes) => Batches(valueBytes).Length;

    private static byte[] Batches(params int[] valueBytes)
    {
        var output = new List<byte>();
        foreach (var size in valueBytes)
        {
            using var builder = new RecordBatchBuilder();
            builder.Append(1_700_000_000_000, null, new byte[size]);
            output.AddRange(builder.Build());
        }

        return [.. output];
    }
}
