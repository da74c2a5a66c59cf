using Orleans.Runtime;
using OrleansLog.Streaming;

namespace OrleansLog.ClusterTests.Streaming;

/// <summary>Bad provider options stop the silo or client at start with a message naming the option.</summary>
public sealed class StreamOptionsValidationTests
{
    [Theory]
    [InlineData("partitions", "Partitions must be at least 1")]
    [InlineData("topic", "Topic:")]
    [InlineData("group", "ConsumerGroup:")]
    [InlineData("attempts", "MaxDeliveryAttempts must be at least 1")]
    [InlineData("cache", "CacheBytes must be at least 65536")]
    public void Bad_options_are_refused_with_the_option_named(string setting, string message)
    {
        var options = new OrleansLogStreamOptions();
        switch (setting)
        {
            case "partitions": options.Partitions = 0; break;
            case "topic": options.Topic = "no spaces allowed"; break;
            case "group": options.ConsumerGroup = "bad/group"; break;
            case "attempts": options.MaxDeliveryAttempts = 0; break;
            case "cache": options.CacheBytes = 1024; break;
        }

        var error = Assert.Throws<OrleansConfigurationException>(() => new OrleansLogStreamOptionsValidator(options, 1, "events").ValidateConfiguration());
        Assert.Contains("'events'", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Multi_event_batches_are_refused_because_failed_deliveries_are_retried_event_by_event()
    {
        var error = Assert.Throws<OrleansConfigurationException>(() => new OrleansLogStreamOptionsValidator(new OrleansLogStreamOptions(), 4, "events").ValidateConfiguration());
        Assert.Contains("BatchContainerBatchSize must be 1", error.Message);
    }

    [Fact]
    public void Valid_defaults_pass()
    {
        new OrleansLogStreamOptionsValidator(new OrleansLogStreamOptions(), 1, "events").ValidateConfiguration();
    }
}
