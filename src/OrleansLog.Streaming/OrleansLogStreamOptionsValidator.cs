using Orleans.Runtime;
using OrleansLog.Groups;
using OrleansLog.Topics;

namespace OrleansLog.Streaming;

/// <summary>Refuses a provider's options at startup, naming the setting and what it needs.</summary>
internal sealed class OrleansLogStreamOptionsValidator(OrleansLogStreamOptions options, int batchContainerBatchSize, string name) : IConfigurationValidator
{
    public void ValidateConfiguration()
    {
        Check(options.Partitions >= 1, "Partitions must be at least 1.");
        Check(
            batchContainerBatchSize <= 1,
            "the pulling agent's BatchContainerBatchSize must be 1 (set MaxEventsPerDelivery for batches): the provider's cursor retries a failed delivery as a whole, which the agent's own batches would break.");
        Check(options.CheckpointInterval > TimeSpan.Zero, "CheckpointInterval must be positive.");
        Check(options.FetchMaxWait >= TimeSpan.Zero, "FetchMaxWait must not be negative.");
        Check(options.FetchMaxBytes >= 1024, "FetchMaxBytes must be at least 1024.");
        Check(options.CacheBytes >= 64 * 1024, "CacheBytes must be at least 65536.");
        Check(options.MaxCachePressureTime >= TimeSpan.Zero, "MaxCachePressureTime must not be negative.");
        Check(options.MaxDeliveryAttempts >= 1, "MaxDeliveryAttempts must be at least 1.");
        Check(options.MaxEventsPerDelivery is >= 1 and <= 10_000, "MaxEventsPerDelivery must be 1 to 10000.");
        Check(Enum.IsDefined(options.EventFormat), $"EventFormat {options.EventFormat} is not a format; use Orleans or Json.");
        Check(options.InitialPosition is Client.AutoOffsetReset.Earliest or Client.AutoOffsetReset.Latest, "InitialPosition must be Earliest or Latest.");
        Try(() => TopicName.Validate(options.TopicFor(name)), "Topic");
        Try(() => TopicName.Validate(options.DeadLetterTopicFor(name)), "DeadLetterTopic");
        Try(() => GroupId.Validate(options.GroupFor(name)), "ConsumerGroup");
        Try(options.Producer.Validate, "Producer");
    }

    private void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new OrleansConfigurationException($"OrleansLog stream provider '{name}': {message}");
        }
    }

    private void Try(Action validate, string setting)
    {
        try
        {
            validate();
        }
        catch (Exception e) when (e is not OrleansConfigurationException)
        {
            throw new OrleansConfigurationException($"OrleansLog stream provider '{name}': {setting}: {e.Message}", e);
        }
    }
}
