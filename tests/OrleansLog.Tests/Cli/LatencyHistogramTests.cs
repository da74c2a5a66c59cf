using OrleansLog.Cli.Perf;

namespace OrleansLog.Tests.Cli;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_of_a_uniform_spread_are_within_the_bucket_precision()
    {
        var histogram = new LatencyHistogram();
        for (var us = 1; us <= 100_000; us++)
        {
            histogram.Record(us);
        }

        Assert.Equal(100_000, histogram.Count);
        Assert.Equal(100_000, histogram.Max);
        Assert.Equal(50_000.5, histogram.Mean, 3);
        foreach (var (percentile, exact) in new[] { (50.0, 50_000L), (95.0, 95_000L), (99.0, 99_000L), (100.0, 100_000L) })
        {
            var value = histogram.Percentile(percentile);
            Assert.InRange(value, exact, exact * 1.016);
        }
    }

    [Fact]
    public void Small_values_are_exact_and_negative_ones_count_as_zero()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);
        histogram.Record(3);
        histogram.Record(63);
        Assert.Equal(0, histogram.Percentile(0));
        Assert.Equal(3, histogram.Percentile(50));
        Assert.Equal(63, histogram.Percentile(100));
    }

    [Fact]
    public void An_empty_histogram_reports_zeros()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal((0L, 0L, 0.0), (histogram.Percentile(99), histogram.Max, histogram.Mean));
    }

    [Fact]
    public void Concurrent_recording_loses_no_sample()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                histogram.Record(i);
            }
        });
        Assert.Equal(80_000, histogram.Count);
        Assert.Equal(9_999, histogram.Max);
    }
}
