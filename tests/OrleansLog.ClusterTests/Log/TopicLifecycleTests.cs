using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.ClusterTests.Log;

[Collection(LogClusterCollection.Name)]
public sealed class TopicLifecycleTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task Created_topics_are_listed_described_altered_and_grown()
    {
        var topic = LogCluster.NewTopic("admin");
        var created = await _log.CreateTopicAsync(topic, 2, ("retention.ms", "3600000"));
        Assert.NotEqual(Guid.Empty, created.TopicId);
        Assert.Contains(topic, await _log.Client.Admin.ListTopicsAsync());

        var described = await _log.Client.Admin.DescribeTopicAsync(topic);
        Assert.Equal(created.TopicId, described.TopicId);
        Assert.Equal(2, described.PartitionCount);
        Assert.Equal(3_600_000, described.Config.RetentionMs);
        Assert.Equal("3600000", described.ConfigOverrides["retention.ms"]);

        var altered = await _log.Client.Admin.AlterTopicConfigAsync(topic, new Dictionary<string, string?> { ["retention.ms"] = null, ["max.message.bytes"] = "2048" });
        Assert.Equal(TopicConfig.Default.RetentionMs, altered.Config.RetentionMs);
        Assert.Equal(2048, altered.Config.MaxMessageBytes);
        Assert.False(altered.ConfigOverrides.ContainsKey("retention.ms"));

        var grown = await _log.Client.Admin.CreatePartitionsAsync(topic, 5);
        Assert.Equal(5, grown.PartitionCount);
        await using var producer = _log.Client.CreateProducer<string, string>();
        var delivered = await producer.ProduceAsync(new TopicPartition(topic, 4), new Message<string, string> { Value = "in a new partition" });
        Assert.Equal(new TopicPartition(topic, 4), delivered.TopicPartition);
        Assert.Equal(0, delivered.Offset);
        Assert.Equal(5, (await _log.Client.Admin.DescribePartitionsAsync(topic)).Count);
    }

    [Fact]
    public async Task Deleting_a_topic_deletes_its_blobs_and_recreating_the_name_starts_an_empty_log()
    {
        var topic = LogCluster.NewTopic("delete");
        var first = await _log.CreateTopicAsync(topic, 2);
        await using (var producer = _log.Client.CreateProducer<string, string>())
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Key = $"{i}", Value = "old" })));
        }

        Assert.NotEmpty(await _log.Store.ListAsync(SegmentPaths.TopicPrefix(first.TopicId), CancellationToken.None));
        await _log.Client.Admin.DeleteTopicAsync(topic);
        Assert.DoesNotContain(topic, await _log.Client.Admin.ListTopicsAsync());
        await Assert.ThrowsAsync<UnknownTopicException>(() => _log.Client.Admin.DescribeTopicAsync(topic));

        var second = await _log.CreateTopicAsync(topic, 1);
        Assert.NotEqual(first.TopicId, second.TopicId);
        Assert.Equal(0, (await _log.Client.Admin.ListOffsetAsync(new TopicPartition(topic, 0), Partitions.OffsetSpec.Latest)).Offset);

        await LogTestExtensions.EventuallyAsync(
            async () => (await _log.Store.ListAsync(SegmentPaths.TopicPrefix(first.TopicId), CancellationToken.None)).Count == 0,
            TimeSpan.FromSeconds(30),
            "the deleted topic's blobs to be purged");

        // A producer that cached the old topic id finds the new incarnation and writes to it.
        await using var producer2 = _log.Client.CreateProducer<string, string>();
        var delivered = await producer2.ProduceAsync(topic, new Message<string, string> { Value = "new" });
        Assert.Equal(0, delivered.Offset);
        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(2, TimeSpan.FromSeconds(3));
        Assert.Equal(["new"], consumed.Select(r => r.Message.Value));
    }

    [Fact]
    public async Task A_long_poll_fetch_does_not_block_appends_and_returns_when_data_arrives()
    {
        var topic = LogCluster.NewTopic("longpoll");
        await _log.CreateTopicAsync(topic, 1);
        var partition = await _log.PartitionAsync(topic, 0);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var fetch = partition.FetchAsync(0, 1024 * 1024, TimeSpan.FromSeconds(20));
        await Task.Delay(300);
        Assert.False(fetch.IsCompleted);

        await using var producer = _log.Client.CreateProducer<string, string>();
        var delivered = await producer.ProduceAsync(topic, new Message<string, string> { Value = "wake up" });
        var appendDone = started.Elapsed;
        var result = await fetch;
        Assert.Equal(0, delivered.Offset);
        Assert.True(appendDone < TimeSpan.FromSeconds(10), $"the append waited {appendDone} behind the fetch");
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), "the fetch should return as soon as the record is durable");
        Assert.Equal(1, result.HighWatermark);
        var values = new List<string>();
        foreach (var record in Records.RecordBatchReader.ReadRecords(result.Records))
        {
            values.Add(System.Text.Encoding.UTF8.GetString(record.Value.Span));
        }

        Assert.Equal(["wake up"], values);

        var empty = await partition.FetchAsync(1, 1024, TimeSpan.FromMilliseconds(200));
        Assert.Empty(empty.Records);
        Assert.Equal(1, empty.HighWatermark);
    }
}
