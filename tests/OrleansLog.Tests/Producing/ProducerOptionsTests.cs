using OrleansLog.Client;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.Tests.Producing;

public sealed class ProducerOptionsTests
{
    public static TheoryData<string, ProducerOptions> OutOfRange => new()
    {
        { "BatchSize", new ProducerOptions { BatchSize = 0 } },
        { "BatchSize", new ProducerOptions { BatchSize = -1 } },
        { "MaxRequestSize", new ProducerOptions { MaxRequestSize = 1023 } },
        { "MaxRequestSize", new ProducerOptions { MaxRequestSize = 0 } },
        { "MaxRequestSize", new ProducerOptions { MaxRequestSize = 4 * 1024 * 1024 + 1, BufferMemory = long.MaxValue } },
        { "BufferMemory", new ProducerOptions { BufferMemory = 1024 * 1024 - 1 } },
        { "BufferMemory", new ProducerOptions { MaxRequestSize = 4 * 1024 * 1024, BufferMemory = 4 * 1024 * 1024 - 1 } },
        { "Linger", new ProducerOptions { Linger = TimeSpan.FromTicks(-1) } },
        { "DeliveryTimeout", new ProducerOptions { DeliveryTimeout = TimeSpan.Zero } },
        { "DeliveryTimeout", new ProducerOptions { DeliveryTimeout = TimeSpan.FromSeconds(-1) } },
        { "Acks", new ProducerOptions { Acks = (Acks)2 } },
        { "Acks", new ProducerOptions { Acks = (Acks)(-2) } },
        { "Compression", new ProducerOptions { Compression = (CompressionType)5 } },
        { "Compression", new ProducerOptions { Compression = (CompressionType)255 } },
        { "EnableIdempotence", new ProducerOptions { EnableIdempotence = true, Acks = Acks.Leader } },
        { "EnableIdempotence", new ProducerOptions { EnableIdempotence = true, Acks = Acks.None } },
    };

    [Theory]
    [InlineData(Acks.All, null, true)]
    [InlineData(Acks.Leader, null, false)]
    [InlineData(Acks.None, null, false)]
    [InlineData(Acks.All, false, false)]
    [InlineData(Acks.All, true, true)]
    public void Idempotence_is_on_by_default_with_acks_all_only(Acks acks, bool? enable, bool expected)
    {
        var options = new ProducerOptions { Acks = acks, EnableIdempotence = enable };
        options.Validate();
        Assert.Equal(expected, options.IsIdempotent);
    }

    [Fact]
    public void Defaults_are_kafkas_and_pass_validation()
    {
        var options = new ProducerOptions();

        options.Validate();
        Assert.Equal(Acks.All, options.Acks);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.Linger);
        Assert.Equal(65_536, options.BatchSize);
        Assert.Equal(1_048_576, options.MaxRequestSize);
        Assert.Equal(67_108_864L, options.BufferMemory);
        Assert.Equal(CompressionType.None, options.Compression);
        Assert.Equal(TimeSpan.FromMinutes(2), options.DeliveryTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.RetryBackoff);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryBackoffMax);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ResendInterval);
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_rejects_each_out_of_range_setting_naming_it(string setting, ProducerOptions options)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(setting, ex.ParamName);
        Assert.Contains($"ProducerOptions.{setting}", ex.Message);
        Assert.Equal(typeof(ProducerOptions).GetProperty(setting)!.GetValue(options), ex.ActualValue);
    }

    [Fact]
    public void Validate_names_the_first_bad_setting_when_several_are_bad()
    {
        var options = new ProducerOptions { BatchSize = 0, MaxRequestSize = 0, Linger = TimeSpan.FromSeconds(-1) };

        Assert.Equal("BatchSize", Assert.Throws<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }

    [Fact]
    public void Validate_accepts_settings_at_the_edges_of_their_ranges()
    {
        ProducerOptions[] edges =
        [
            new() { BatchSize = 1 },
            new() { BatchSize = int.MaxValue },
            new() { MaxRequestSize = 1024, BufferMemory = 1024 },
            new() { MaxRequestSize = 4 * 1024 * 1024, BufferMemory = 4 * 1024 * 1024 },
            new() { Linger = TimeSpan.Zero },
            new() { DeliveryTimeout = TimeSpan.FromTicks(1) },
            new() { Acks = Acks.None },
            new() { Acks = Acks.Leader },
            new() { Compression = CompressionType.Gzip },
            new() { Compression = CompressionType.Snappy },
            new() { Compression = CompressionType.Lz4 },
            new() { Compression = CompressionType.Zstd },
            new() { RetryBackoff = TimeSpan.Zero },
        ];

        foreach (var options in edges)
        {
            options.Validate();
        }

        Assert.Equal(13, edges.Length);
    }

    // A negative back-off passes Validate, then Task.Delay throws inside the retry handler of Producer.SendAsync:
    // the send loop faults, its batches are never completed or failed, and their buffer memory is never released.
    [Fact]
    public void Validate_rejects_a_negative_RetryBackoff()
    {
        var options = new ProducerOptions { RetryBackoff = TimeSpan.FromMilliseconds(-100) };

        Assert.Equal("RetryBackoff", Assert.Throws<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }

    // Retry.NextBackoff caps at RetryBackoffMax, so a negative maximum makes the second retry's Task.Delay throw (as above).
    [Fact]
    public void Validate_rejects_a_negative_RetryBackoffMax()
    {
        var options = new ProducerOptions { RetryBackoffMax = TimeSpan.FromMilliseconds(-100) };

        Assert.Equal("RetryBackoffMax", Assert.Throws<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }

    [Fact]
    public void Validate_rejects_a_negative_ResendInterval()
    {
        var options = new ProducerOptions { ResendInterval = TimeSpan.FromSeconds(-1) };

        Assert.Equal("ResendInterval", Assert.Throws<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }
}
