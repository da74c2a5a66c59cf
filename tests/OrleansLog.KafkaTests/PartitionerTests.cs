using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using OrleansLog.Client.Partitioning;
using NativeSerializers = OrleansLog.Client.Serialization.Serializers;

namespace OrleansLog.KafkaTests;

/// <summary>
/// Each client's default partitioner puts a key where that client expects, and the broker keeps it there: librdkafka's
/// <c>consistent_random</c> (CRC32), and the Java-compatible murmur2 of KafkaJS, librdkafka's <c>murmur2_random</c> and the native client.
/// </summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class PartitionerTests(KafkaBrokerFixture broker)
{
    private const int Partitions = 6;
    private static readonly string[] Keys = [.. Enumerable.Range(0, 60).Select(i => $"customer-{i}")];

    [Fact]
    public async Task Librdkafkas_default_partitioner_places_keys_by_crc32()
    {
        var topic = await NewTopicAsync("crc32");
        await ProduceWithLibrdkafkaAsync(topic, partitioner: null);

        var placed = await ReadPlacementAsync(topic);

        Assert.All(Keys, key => Assert.Equal(KafkaPartitioner.ConsistentPartition(Encoding.UTF8.GetBytes(key), Partitions), placed[key]));
        Assert.True(placed.Values.Distinct().Count() > 1, "Every key landed in one partition, so the test proves nothing.");
    }

    [Fact]
    public async Task KafkaJS_librdkafka_murmur2_and_the_native_producer_place_every_key_in_the_same_partition_as_Java_clients()
    {
        var kafkajs = await NewTopicAsync("murmur-js");
        var librdkafka = await NewTopicAsync("murmur-rd");
        var native = await NewTopicAsync("murmur-native");
        var records = JsonSerializer.Serialize(Keys.Select(k => new { key = k, value = "v" }));
        await KafkaJs.RunAsync("produce", broker.BootstrapServers, kafkajs, records);
        await ProduceWithLibrdkafkaAsync(librdkafka, Partitioner.Murmur2Random);
        await using (var producer = broker.Log.CreateProducer(new Client.ProducerOptions(), NativeSerializers.Utf8, NativeSerializers.Utf8))
        {
            foreach (var key in Keys)
            {
                await producer.ProduceAsync(native, new Client.Message<string, string> { Key = key, Value = "v" });
            }
        }

        foreach (var topic in new[] { kafkajs, librdkafka, native })
        {
            var placed = await ReadPlacementAsync(topic);
            Assert.All(Keys, key => Assert.Equal(KafkaPartitioner.Murmur2Partition(Encoding.UTF8.GetBytes(key), Partitions), placed[key]));
            Assert.True(placed.Values.Distinct().Count() > 1, "Every key landed in one partition, so the test proves nothing.");
        }
    }

    private async Task<string> NewTopicAsync(string prefix)
    {
        var topic = KafkaClients.NewTopic(prefix);
        await broker.Log.Admin.CreateTopicAsync(topic, Partitions);
        return topic;
    }

    private async Task ProduceWithLibrdkafkaAsync(string topic, Partitioner? partitioner)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, Partitioner = partitioner }).Build();
        foreach (var key in Keys)
        {
            var delivered = await producer.ProduceAsync(topic, new Message<string, string> { Key = key, Value = "v" });
            Assert.Equal(PersistenceStatus.Persisted, delivered.Status);
        }
    }

    // Where each key is stored, read back by assignment from every partition.
    private async Task<Dictionary<string, int>> ReadPlacementAsync(string topic)
    {
        using var consumer = KafkaClients.Consumer(broker.BootstrapServers);
        consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Confluent.Kafka.Offset.Beginning)));
        var records = await Task.Run(() => consumer.ConsumeAtLeast(Keys.Length, TimeSpan.FromSeconds(60)));
        Assert.Equal(Keys.Length, records.Count);
        return records.ToDictionary(r => Encoding.UTF8.GetString(r.Message.Key!), r => r.Partition.Value);
    }
}
