using System.Text;
using System.Text.Json;
using OrleansLog.Client;
using OrleansLog.Records;

namespace OrleansLog.KafkaTests;

/// <summary>KafkaJS 2.2.4 (tests/kafkajs) against the silo: metadata, produce, offsets and consumer groups.</summary>
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

    [Fact]
    public async Task Three_KafkaJS_consumers_share_six_partitions_and_take_over_a_disconnected_members_partitions_consuming_each_record_once()
    {
        var topic = "kafkajs-group-" + Guid.NewGuid().ToString("N")[..8];
        var group = "kafkajs-" + Guid.NewGuid().ToString("N")[..8];
        await broker.Log.Admin.CreateTopicAsync(topic, 6);

        var members = (await KafkaJs.RunAsync("group", broker.BootstrapServers, topic, JsonSerializer.Serialize(new { group }))).EnumerateArray().ToList();

        // Once all three had joined, each had two partitions; the two that stayed ended with three each, together all six.
        Assert.All(members, m => Assert.Contains(m.GetProperty("assignments").EnumerateArray(), a => a.GetArrayLength() == 2));
        var last = members.Take(2).Select(m => m.GetProperty("final").EnumerateArray().Select(p => p.GetInt32()).ToList()).ToList();
        Assert.All(last, partitions => Assert.Equal(3, partitions.Count));
        Assert.Equal(Enumerable.Range(0, 6), last.SelectMany(p => p).Order());

        var keys = members.SelectMany(m => m.GetProperty("received").EnumerateArray().Select(r => r.GetProperty("key").GetString()!)).ToList();
        var expected = Enumerable.Range(0, 300).Select(i => $"first-{i}").Concat(Enumerable.Range(0, 300).Select(i => $"second-{i}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.DoesNotContain(members[2].GetProperty("received").EnumerateArray(), r => r.GetProperty("key").GetString()!.StartsWith("second", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_KafkaJS_member_cannot_join_a_librdkafka_group_because_they_share_no_assignor()
    {
        var topic = "kafkajs-mixed-" + Guid.NewGuid().ToString("N")[..8];
        var group = "kafkajs-" + Guid.NewGuid().ToString("N")[..8];
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        using var librdkafka = new KafkaGroupMember("librdkafka", broker.BootstrapServers, group, topic);
        await KafkaGroups.WaitUntilAsync(() => librdkafka.Partitions.Count == 2, TimeSpan.FromSeconds(60), () => KafkaGroups.Describe([librdkafka]));

        var answer = await KafkaJs.RunAsync("join", broker.BootstrapServers, topic, JsonSerializer.Serialize(new { group }));

        // librdkafka offers range and roundrobin, KafkaJS its RoundRobinAssigner: Kafka refuses the newcomer, and the group is untouched.
        Assert.False(answer.GetProperty("joined").GetBoolean());
        Assert.Equal("INCONSISTENT_GROUP_PROTOCOL", answer.GetProperty("error").GetString());
        Assert.Equal([0, 1], librdkafka.Partitions);
        Assert.Single((await broker.Log.Admin.DescribeGroupAsync(group)).Members);
    }

    [Fact]
    public async Task A_killed_KafkaJS_members_partitions_move_after_its_session_timeout_and_every_record_is_consumed_once()
    {
        var topic = "kafkajs-crash-" + Guid.NewGuid().ToString("N")[..8];
        var group = "kafkajs-" + Guid.NewGuid().ToString("N")[..8];
        await broker.Log.Admin.CreateTopicAsync(topic, 6);
        using var a = ProcessGroupMember.KafkaJs(broker.BootstrapServers, group, topic, sessionTimeoutMs: 6000);
        using var b = ProcessGroupMember.KafkaJs(broker.BootstrapServers, group, topic, sessionTimeoutMs: 6000);
        using var killed = ProcessGroupMember.KafkaJs(broker.BootstrapServers, group, topic, sessionTimeoutMs: 6000);
        ProcessGroupMember[] members = [a, b, killed];
        string Describe() => string.Join("; ", members.Select(m => $"[{string.Join(',', m.Partitions)}] received {m.Received.Count}: {string.Join(' ', m.Errors.Take(3))}"));
        await KafkaGroups.WaitUntilAsync(() => members.All(m => m.Partitions.Count == 2), TimeSpan.FromSeconds(60), Describe);

        var first = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "first", 300);
        await KafkaGroups.WaitUntilAsync(() => members.Sum(m => m.Received.Count) >= 300, TimeSpan.FromSeconds(60), Describe);
        await KafkaGroups.WaitForCommittedAsync(broker, group, 300);
        killed.Kill();
        await KafkaGroups.WaitUntilAsync(() => a.Partitions.Count == 3 && b.Partitions.Count == 3, TimeSpan.FromSeconds(60), Describe);

        var second = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "second", 300);
        await KafkaGroups.WaitUntilAsync(() => members.Sum(m => m.Received.Count) >= 600, TimeSpan.FromSeconds(60), Describe);
        await Task.Delay(500);

        var keys = members.SelectMany(m => m.Received).Select(r => r.Key);
        Assert.Equal(first.Concat(second).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.NotEmpty(killed.Received);
    }
}
