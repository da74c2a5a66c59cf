using System.Buffers.Binary;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Records;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.ClusterTests.Log;

[Collection(LogClusterCollection.Name)]
public sealed class BadInputTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("slash/name")]
    [InlineData("ünicode")]
    public async Task Invalid_topic_names_are_rejected_with_invalid_topic(string name)
    {
        var error = await Assert.ThrowsAsync<InvalidTopicException>(() => _log.Client.Admin.CreateTopicAsync(name, 1));
        Assert.Equal(ErrorCode.InvalidTopic, error.ErrorCode);

        // The grain enforces the rule too, for callers that skip the client.
        if (name.Length > 0)
        {
            await Assert.ThrowsAsync<InvalidTopicException>(() => _log.Cluster.Client.GetGrain<Topics.ITopicGrain>(name).CreateAsync(1, null));
        }
    }

    [Fact]
    public async Task A_name_longer_than_249_characters_is_rejected()
    {
        var error = await Assert.ThrowsAsync<InvalidTopicException>(() => _log.Client.Admin.CreateTopicAsync(new string('a', 250), 1));
        Assert.Contains("249", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(10_001)]
    public async Task Partition_counts_out_of_range_are_rejected(int partitions)
    {
        var topic = LogCluster.NewTopic("partitions");
        var error = await Assert.ThrowsAsync<InvalidPartitionsException>(() => _log.Client.Admin.CreateTopicAsync(topic, partitions));
        Assert.Contains(partitions.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.DoesNotContain(topic, await _log.Client.Admin.ListTopicsAsync());
    }

    [Theory]
    [InlineData("retention.ms", "-5")]
    [InlineData("retention.bytes", "lots")]
    [InlineData("segment.bytes", "10")]
    [InlineData("max.message.bytes", "999999999")]
    [InlineData("message.timestamp.type", "Sometimes")]
    [InlineData("cleanup.policy", "compacted")]
    [InlineData("min.cleanable.dirty.ratio", "2")]
    [InlineData("no.such.key", "1")]
    public async Task Bad_configs_are_rejected_naming_the_key(string key, string value)
    {
        var topic = LogCluster.NewTopic("config");
        var error = await Assert.ThrowsAsync<InvalidConfigException>(() => _log.CreateTopicAsync(topic, 1, (key, value)));
        Assert.Contains(key, error.Message);
        Assert.DoesNotContain(topic, await _log.Client.Admin.ListTopicsAsync());

        await _log.CreateTopicAsync(topic, 1);
        await Assert.ThrowsAsync<InvalidConfigException>(() => _log.Client.Admin.AlterTopicConfigAsync(topic, new Dictionary<string, string?> { [key] = value }));
        Assert.Empty((await _log.Client.Admin.DescribeTopicAsync(topic)).ConfigOverrides);
    }

    [Fact]
    public async Task Existing_topics_and_shrinking_partitions_are_refused()
    {
        var topic = LogCluster.NewTopic("exists");
        var created = await _log.CreateTopicAsync(topic, 3);
        await Assert.ThrowsAsync<TopicAlreadyExistsException>(() => _log.Client.Admin.CreateTopicAsync(topic, 1));
        await Assert.ThrowsAsync<InvalidPartitionsException>(() => _log.Client.Admin.CreatePartitionsAsync(topic, 2));
        var described = await _log.Client.Admin.DescribeTopicAsync(topic);
        Assert.Equal((created.TopicId, 3), (described.TopicId, described.PartitionCount));
    }

    [Fact]
    public async Task Unknown_topics_and_partitions_are_reported_as_such()
    {
        var topic = LogCluster.NewTopic("unknown");
        await using var producer = _log.Client.CreateProducer<string, string>();
        await Assert.ThrowsAsync<UnknownTopicException>(() => producer.ProduceAsync(topic, new Message<string, string> { Value = "x" }));
        await Assert.ThrowsAsync<UnknownTopicException>(() => _log.Client.Admin.DeleteTopicAsync(topic));

        await _log.CreateTopicAsync(topic, 2);
        await Assert.ThrowsAsync<UnknownTopicException>(() => producer.ProduceAsync(new TopicPartition(topic, 2), new Message<string, string> { Value = "x" }));

        // A partition grain addressed with an id that is not the topic's (stale metadata) refuses to serve.
        var stale = _log.Cluster.Client.GetGrain<IPartitionGrain>(new PartitionGrainKey(topic, Guid.NewGuid(), 0).ToString());
        await Assert.ThrowsAsync<UnknownTopicException>(() => stale.FetchAsync(0, 1024, TimeSpan.Zero));
    }

    [Fact]
    public async Task Oversized_batches_are_rejected_and_nothing_is_written()
    {
        var topic = LogCluster.NewTopic("oversize");
        await _log.CreateTopicAsync(topic, 1, ("max.message.bytes", "1024"));
        await using var producer = _log.Client.CreateProducer<string, string>();
        var error = await Assert.ThrowsAsync<RecordTooLargeException>(() => producer.ProduceAsync(topic, new Message<string, string> { Value = new string('x', 2000) }));
        Assert.Contains("max.message.bytes", error.Message);

        // The grain checks too, for callers that skip the client's check.
        var partition = await _log.PartitionAsync(topic, 0);
        using var builder = new RecordBatchBuilder();
        builder.Append(1, null, new byte[3000]);
        await Assert.ThrowsAsync<RecordTooLargeException>(() => partition.AppendAsync(builder.Build(), Acks.All));
        Assert.Equal(0, (await partition.DescribeAsync()).HighWatermark);

        var ok = await producer.ProduceAsync(topic, new Message<string, string> { Value = "small" });
        Assert.Equal(0, ok.Offset);
    }

    [Fact]
    public async Task Corrupt_and_truncated_batches_are_rejected_and_nothing_of_the_call_is_written()
    {
        var topic = LogCluster.NewTopic("corrupt");
        await _log.CreateTopicAsync(topic, 1);
        var partition = await _log.PartitionAsync(topic, 0);
        var good = Batch("good");

        var flipped = Batch("flipped");
        flipped[^3] ^= 0x40;
        var crc = await Assert.ThrowsAsync<InvalidRecordException>(() => partition.AppendAsync(flipped, Acks.All));
        Assert.Contains("CRC", crc.Message, StringComparison.OrdinalIgnoreCase);

        var badMagic = Batch("magic");
        badMagic[16] = 1;
        await Assert.ThrowsAsync<InvalidRecordException>(() => partition.AppendAsync(badMagic, Acks.All));

        await Assert.ThrowsAsync<InvalidRecordException>(() => partition.AppendAsync(good[..40], Acks.All));
        await Assert.ThrowsAsync<InvalidRecordException>(() => partition.AppendAsync([], Acks.All));

        // A good batch followed by a corrupt one: the whole call is refused.
        var second = Batch("second");
        BinaryPrimitives.WriteInt32BigEndian(second.AsSpan(57), 7); // record count no longer matches
        await Assert.ThrowsAsync<InvalidRecordException>(() => partition.AppendAsync([.. good, .. second], Acks.All));
        Assert.Equal(0, (await partition.DescribeAsync()).HighWatermark);

        var result = await partition.AppendAsync(Batch("finally"), Acks.All);
        Assert.Equal(0, result.BaseOffset);
        Assert.Equal(1, (await partition.DescribeAsync()).HighWatermark);
    }

    [Fact]
    public async Task Fetching_outside_the_log_reports_its_bounds()
    {
        var topic = LogCluster.NewTopic("range");
        await _log.CreateTopicAsync(topic, 1);
        var partition = await _log.PartitionAsync(topic, 0);
        await partition.AppendAsync(Batch("one"), Acks.All);
        var error = await Assert.ThrowsAsync<OffsetOutOfRangeException>(() => partition.FetchAsync(5, 1024, TimeSpan.Zero));
        Assert.Equal((5L, 0L, 1L), (error.Offset, error.LogStartOffset, error.LogEndOffset));
        await Assert.ThrowsAsync<OffsetOutOfRangeException>(() => partition.FetchAsync(-1, 1024, TimeSpan.Zero));
        var bad = await Assert.ThrowsAsync<OrleansLogException>(() => partition.FetchAsync(0, 0, TimeSpan.Zero));
        Assert.Equal(ErrorCode.InvalidRequest, bad.ErrorCode);

        // A consumer with auto.offset.reset=none surfaces the error; with earliest it recovers.
        await using var strict = _log.Client.CreateConsumer<string, string>(new ConsumerOptions { AutoOffsetReset = AutoOffsetReset.None });
        strict.Assign([new TopicPartitionOffset(topic, 0, 9)]);
        await Assert.ThrowsAsync<OffsetOutOfRangeException>(async () => await strict.ConsumeAsync(TimeSpan.FromSeconds(10)));

        await using var lenient = _log.Client.CreateConsumer<string, string>(new ConsumerOptions { AutoOffsetReset = AutoOffsetReset.Earliest });
        lenient.Assign([new TopicPartitionOffset(topic, 0, 9)]);
        var record = await lenient.ConsumeAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("one", 0L), (record?.Message.Value, record?.Offset ?? -1));
    }

    private static byte[] Batch(string value)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null, System.Text.Encoding.UTF8.GetBytes(value));
        return builder.Build();
    }
}
