using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace OrleansLog.KafkaTests;

/// <summary>A compacted topic created, written and read by Kafka clients through the listener.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class CompactedTopicTests(KafkaBrokerFixture broker)
{
    [Fact]
    public async Task Confluent_clients_create_a_compacted_topic_and_read_the_newest_value_per_key_across_the_gaps()
    {
        var topic = KafkaClients.NewTopic("compacted");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic,
                NumPartitions = 1,
                ReplicationFactor = 1,
                Configs = new() { ["cleanup.policy"] = "compact", ["segment.bytes"] = "1024", ["segment.ms"] = "500", ["min.cleanable.dirty.ratio"] = "0.01" },
            }]);
        }

        var newest = new Dictionary<string, (long Offset, string Value)>();
        using (var producer = KafkaClients.Producer(broker.BootstrapServers, c => c.EnableIdempotence = true))
        {
            for (var round = 0; round < 5; round++)
            {
                for (var key = 0; key < 10; key++)
                {
                    var value = $"key-{key}@{round}";
                    var result = await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes($"key-{key}"), Value = Encoding.UTF8.GetBytes(value) });
                    newest[$"key-{key}"] = (result.Offset.Value, value);
                }
            }
        }

        // Compaction runs once segment.ms rolled the last segment: then a read from the start returns only the newest values.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        List<(long Offset, string Value)> read;
        do
        {
            await Task.Delay(500);
            read = ReadFrom(topic, 0, 50);
        }
        while (read.Count != newest.Count && DateTime.UtcNow < deadline);

        Assert.Equal(newest.Values.OrderBy(v => v.Offset), read);

        // Offsets in a gap are served by the next record that survived.
        var first = newest.Values.Min(v => v.Offset);
        Assert.Equal(first, ReadFrom(topic, 3, 1).Single().Offset);
    }

    // Reads the partition from `offset` with Confluent.Kafka until the end of the log (at most `max` records).
    private List<(long Offset, string Value)> ReadFrom(string topic, long offset, int max)
    {
        using var consumer = KafkaClients.Consumer(broker.BootstrapServers, c => c.EnablePartitionEof = true);
        consumer.Assign([new TopicPartitionOffset(topic, 0, offset)]);
        var records = new List<(long, string)>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (records.Count < max && DateTime.UtcNow < deadline && consumer.Consume(TimeSpan.FromMilliseconds(500)) is { } result && !result.IsPartitionEOF)
        {
            records.Add((result.Offset.Value, Encoding.UTF8.GetString(result.Message.Value!)));
        }

        return records;
    }
}
