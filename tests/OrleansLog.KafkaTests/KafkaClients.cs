using Confluent.Kafka;

namespace OrleansLog.KafkaTests;

/// <summary>Confluent.Kafka clients against a test broker, and reading from them until enough arrived.</summary>
public static class KafkaClients
{
    /// <summary>A topic name no other test uses.</summary>
    public static string NewTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>A producer of raw bytes (null keys and values stay null).</summary>
    public static IProducer<byte[]?, byte[]?> Producer(string bootstrapServers, Action<ProducerConfig>? configure = null)
    {
        var config = new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 5 };
        configure?.Invoke(config);
        return new ProducerBuilder<byte[]?, byte[]?>(config).Build();
    }

    /// <summary>
    /// A consumer of raw bytes for <c>Assign</c>: Confluent.Kafka requires a group id even then, but with explicit offsets and no commits
    /// it never asks a group coordinator for anything.
    /// </summary>
    public static IConsumer<byte[]?, byte[]?> Consumer(string bootstrapServers, Action<ConsumerConfig>? configure = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "kafka-tests-" + Guid.NewGuid().ToString("N")[..8],
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            FetchWaitMaxMs = 100,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
    }

    /// <summary>Consumes until <paramref name="count"/> records arrived or <paramref name="timeout"/> passed.</summary>
    public static List<ConsumeResult<byte[]?, byte[]?>> ConsumeAtLeast(this IConsumer<byte[]?, byte[]?> consumer, int count, TimeSpan timeout)
    {
        var results = new List<ConsumeResult<byte[]?, byte[]?>>(count);
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                results.Add(result);
            }
        }

        return results;
    }
}
