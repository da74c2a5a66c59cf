using System.Text;
using System.Text.Json;
using OrleansLog.Client;
using OrleansLog.Records;

namespace OrleansLog.KafkaTests;

/// <summary>KafkaJS 2.2.4 (tests/kafkajs) against the silo: metadata, produce and offsets (its consumer needs groups, not served yet).</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class KafkaJsTests(KafkaBrokerFixture broker)
{
    [Fact]
    public async Task KafkaJS_reads_the_cluster_and_a_topics_partitions_and_leaders_from_metadata()
    {
        var topic = "kafkajs-" + Guid.NewGuid().ToString("N")[..8];
        await broker.Log.Admin.CreateTopicAsync(topic, 3);

        var metadata = await KafkaJs.RunAsync("metadata", broker.BootstrapServers, topic);

        Assert.Equal("orleanslog", metadata.GetProperty("clusterId").GetString());
        var only = Assert.Single(metadata.GetProperty("brokers").EnumerateArray());
        Assert.Equal("127.0.0.1", only.GetProperty("host").GetString());
        Assert.Equal(broker.Silo.KafkaPort, only.GetProperty("port").GetInt32());
        var nodeId = only.GetProperty("nodeId").GetInt32();
        Assert.Equal(nodeId, metadata.GetProperty("controller").GetInt32());
        Assert.Contains(topic, metadata.GetProperty("topics").EnumerateArray().Select(t => t.GetString()));
        var partitions = metadata.GetProperty("partitions").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], partitions.Select(p => p.GetProperty("partition").GetInt32()));
        Assert.All(partitions, p => Assert.Equal((nodeId, 0), (p.GetProperty("leader").GetInt32(), p.GetProperty("error").GetInt32())));
    }

    [Fact]
    public async Task KafkaJS_produces_keys_headers_null_and_empty_values_and_timestamps_that_the_native_consumer_reads_back()
    {
        var topic = "kafkajs-produce-" + Guid.NewGuid().ToString("N")[..8];
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        var sent = new[]
        {
            new SentRecord(0, "user-1", "hello", new() { ["trace"] = "abc", ["kind"] = "greeting" }, 1_700_000_000_000),
            new SentRecord(0, "user-2", null, [], 1_700_000_000_001),
            new SentRecord(1, null, "", new() { ["empty"] = "" }, 1_700_000_000_002),
            new SentRecord(1, "user-3", "ünïcødé ✓", [], 1_700_000_000_003),
        };
        var input = JsonSerializer.Serialize(sent.Select(r => new
        {
            partition = r.Partition,
            key = r.Key,
            value = r.Value,
            headers = r.Headers,
            timestamp = r.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));

        var produced = await KafkaJs.RunAsync("produce", broker.BootstrapServers, topic, input);

        Assert.Equal(
            [(0, 0, "0"), (1, 0, "0")],
            produced.EnumerateArray()
                .Select(r => (r.GetProperty("partition").GetInt32(), r.GetProperty("errorCode").GetInt32(), r.GetProperty("baseOffset").GetString()))
                .Order());

        await using var consumer = broker.Log.CreateConsumer<string, string>(new ConsumerOptions { AutoOffsetReset = AutoOffsetReset.Earliest });
        consumer.Assign(Enumerable.Range(0, 2).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var read = new List<ConsumeResult<string, string>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (read.Count < sent.Length && DateTime.UtcNow < deadline)
        {
            if (await consumer.ConsumeAsync(TimeSpan.FromSeconds(1)) is { } record)
            {
                read.Add(record);
            }
        }

        Assert.Equal(sent.Length, read.Count);
        foreach (var partition in new[] { 0, 1 })
        {
            var expected = sent.Where(r => r.Partition == partition).ToList();
            var actual = read.Where(r => r.Partition == partition).OrderBy(r => r.Offset).ToList();
            Assert.Equal([0L, 1L], actual.Select(r => r.Offset));
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].Key, actual[i].Message.Key);
                Assert.Equal(expected[i].Value, actual[i].Message.Value);
                Assert.Equal(expected[i].Timestamp, actual[i].Message.Timestamp);
                Assert.Equal(TimestampType.CreateTime, actual[i].TimestampType);
                Assert.Equal(
                    expected[i].Headers.Select(h => (h.Key, h.Value)),
                    (actual[i].Message.Headers ?? []).Select(h => (h.Key, Encoding.UTF8.GetString(h.Value ?? []))));
            }
        }

        var offsets = await KafkaJs.RunAsync("offsets", broker.BootstrapServers, topic);

        Assert.Equal(
            [(0, "0", "2"), (1, "0", "2")],
            offsets.EnumerateArray().Select(o => (o.GetProperty("partition").GetInt32(), o.GetProperty("low").GetString(), o.GetProperty("high").GetString())));
    }

    private sealed record SentRecord(int Partition, string? Key, string? Value, Dictionary<string, string> Headers, long Timestamp);
}
