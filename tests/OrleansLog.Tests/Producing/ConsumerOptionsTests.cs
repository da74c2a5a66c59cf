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
        { "SessionTimeout", new ConsumerOptions { SessionTimeout = TimeSpan.FromMilliseconds(100) } },
        { "HeartbeatInterval", new ConsumerOptions { SessionTimeout = TimeSpan.FromSeconds(3), HeartbeatInterval = TimeSpan.FromSeconds(3) } },
        { "HeartbeatInterval", new ConsumerOptions { HeartbeatInterval = TimeSpan.Zero } },
        { "RebalanceTimeout", new ConsumerOptions { RebalanceTimeout = TimeSpan.Zero } },
        { "AutoCommitInterval", new ConsumerOptions { AutoCommitInterval = TimeSpan.Zero } },
        { "PartitionAssignmentStrategy", new ConsumerOptions { PartitionAssignmentStrategy = "sticky" } },
        { "GroupInstanceId", new ConsumerOptions { GroupInstanceId = "" } },
    };

    [Fact]
    public void Group_defaults_follow_kafka()
    {
        var options = new ConsumerOptions();

        Assert.Null(options.GroupId);
        Assert.Equal(TimeSpan.FromSeconds(45), options.SessionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.HeartbeatInterval);
        Assert.Equal("cooperative-sticky", options.PartitionAssignmentStrategy);
        Assert.True(options.EnableAutoCommit);
        Assert.Equal(TimeSpan.FromSeconds(5), options.AutoCommitInterval);
    }

    [Fact]
    public void An_invalid_group_id_is_rejected_with_a_typed_error()
    {
        var ex = Assert.Throws<OrleansLog.Errors.InvalidGroupIdException>(new ConsumerOptions { GroupId = "a group" }.Validate);

        Assert.Contains("'a group'", ex.Message);
    }

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
