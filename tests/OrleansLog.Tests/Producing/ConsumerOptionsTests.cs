using OrleansLog.Client;

namespace OrleansLog.Tests.Producing;

public sealed class ConsumerOptionsTests
{
    public static TheoryData<string, ConsumerOptions> OutOfRange => new()
    {
        { "MaxPartitionFetchBytes", new ConsumerOptions { MaxPartitionFetchBytes = 0 } },
        { "MaxPartitionFetchBytes", new ConsumerOptions { MaxPartitionFetchBytes = -1 } },
        { "FetchMaxWait", new ConsumerOptions { FetchMaxWait = TimeSpan.FromTicks(-1) } },
        { "FetchMaxWait", new ConsumerOptions { FetchMaxWait = TimeSpan.FromSeconds(30) + TimeSpan.FromTicks(1) } },
        { "FetchMaxWait", new ConsumerOptions { FetchMaxWait = Timeout.InfiniteTimeSpan } },
        { "PrefetchBytesPerPartition", new ConsumerOptions { PrefetchBytesPerPartition = 1024 * 1024 - 1 } },
        { "PrefetchBytesPerPartition", new ConsumerOptions { MaxPartitionFetchBytes = 8 * 1024 * 1024 } },
    };

    [Fact]
    public void Defaults_pass_validation()
    {
        var options = new ConsumerOptions();

        options.Validate();
        Assert.Equal(AutoOffsetReset.Latest, options.AutoOffsetReset);
        Assert.Equal(1_048_576, options.MaxPartitionFetchBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.FetchMaxWait);
        Assert.Equal(4_194_304, options.PrefetchBytesPerPartition);
        Assert.True(options.CheckCrcs);
        Assert.Equal(67_108_864, options.MaxDecompressedBatchBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.RetryBackoff);
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_rejects_each_out_of_range_setting_naming_it(string setting, ConsumerOptions options)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(setting, ex.ParamName);
        Assert.Contains($"ConsumerOptions.{setting}", ex.Message);
        Assert.Equal(typeof(ConsumerOptions).GetProperty(setting)!.GetValue(options), ex.ActualValue);
    }

    [Fact]
    public void Validate_accepts_settings_at_the_edges_of_their_ranges()
    {
        ConsumerOptions[] edges =
        [
            new() { MaxPartitionFetchBytes = 1, PrefetchBytesPerPartition = 1 },
            new() { MaxPartitionFetchBytes = int.MaxValue, PrefetchBytesPerPartition = int.MaxValue },
            new() { FetchMaxWait = TimeSpan.Zero },
            new() { FetchMaxWait = TimeSpan.FromSeconds(30) },
            new() { PrefetchBytesPerPartition = 1024 * 1024 },
            new() { AutoOffsetReset = AutoOffsetReset.Earliest, CheckCrcs = false },
            new() { AutoOffsetReset = AutoOffsetReset.None },
            new() { RetryBackoff = TimeSpan.Zero },
        ];

        foreach (var options in edges)
        {
            options.Validate();
        }

        Assert.Equal(8, edges.Length);
    }

    // A negative back-off passes Validate, then Task.Delay throws inside PartitionFetcher.RunAsync's transient-error
    // handler: the exception escapes the fetch loop and the partition silently stops being fetched.
    [Fact]
    public void Validate_rejects_a_negative_RetryBackoff()
    {
        var options = new ConsumerOptions { RetryBackoff = TimeSpan.FromMilliseconds(-100) };

        Assert.Equal("RetryBackoff", Assert.Throws<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }

    // With a limit of 0 or less every compressed batch is rejected as corrupt by RecordBatchReader.ReadRecords.
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Validate_rejects_a_non_positive_MaxDecompressedBatchBytes(int limit)
    {
        var options = new ConsumerOptions { MaxDecompressedBatchBytes = limit };

        Assert.Equal("MaxDecompressedBatchBytes", Assert.Throws<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }
}
