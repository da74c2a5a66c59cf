using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace OrleansLog.KafkaTests;

/// <summary>ListOffsets through librdkafka: watermarks, offsets for times and the max timestamp.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class ListOffsetsTests(KafkaBrokerFixture broker)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const long BaseTimestamp = 1_700_000_000_000;

    [Fact]
    public async Task Offsets_for_times_find_the_first_record_at_or_after_each_timestamp()
    {
        var topic = await ProduceAsync("times", Enumerable.Range(0, 10).Select(i => BaseTimestamp + (i * 1000L)));
        using var consumer = KafkaClients.Consumer(broker.BootstrapServers);

        var found = consumer.OffsetsForTimes(
            [
                new TopicPartitionTimestamp(topic, 0, new Timestamp(BaseTimestamp - 5000, TimestampType.CreateTime)),
            ],
            Patience);
        Assert.Equal(0, Assert.Single(found).Offset.Value);

        Assert.Equal(3, consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(BaseTimestamp + 2500, TimestampType.CreateTime))], Patience).Single().Offset.Value);
        Assert.Equal(9, consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(BaseTimestamp + 9000, TimestampType.CreateTime))], Patience).Single().Offset.Value);

        // No record is that new: Kafka answers offset -1, which librdkafka reports as the end.
        Assert.Equal(Offset.End, consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(BaseTimestamp + 60_000, TimestampType.CreateTime))], Patience).Single().Offset);

        var watermarks = consumer.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(topic, 0), Patience);
        Assert.Equal((0L, 10L), (watermarks.Low.Value, watermarks.High.Value));
    }

    [Fact]
    public async Task The_admin_client_lists_earliest_latest_and_the_first_record_with_the_largest_timestamp()
    {
        // The largest timestamp is in the middle, and twice: the answer is its first record.
        long[] timestamps = [BaseTimestamp, BaseTimestamp + 9_000, BaseTimestamp + 1_000, BaseTimestamp + 9_000, BaseTimestamp + 2_000];
        var topic = await ProduceAsync("maxts", timestamps);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var partition = new Confluent.Kafka.TopicPartition(topic, 0);

        async Task<ListOffsetsResultInfo> ListAsync(OffsetSpec spec) =>
            Assert.Single((await admin.ListOffsetsAsync([new TopicPartitionOffsetSpec { TopicPartition = partition, OffsetSpec = spec }])).ResultInfos);

        Assert.Equal(0, (await ListAsync(OffsetSpec.Earliest())).TopicPartitionOffsetError.Offset.Value);
        Assert.Equal(5, (await ListAsync(OffsetSpec.Latest())).TopicPartitionOffsetError.Offset.Value);
        var byTime = await ListAsync(OffsetSpec.ForTimestamp(BaseTimestamp + 1_500));
        Assert.Equal((1L, BaseTimestamp + 9_000), (byTime.TopicPartitionOffsetError.Offset.Value, byTime.Timestamp));
        var max = await ListAsync(OffsetSpec.MaxTimestamp());
        Assert.Equal(ErrorCode.NoError, max.TopicPartitionOffsetError.Error.Code);
        Assert.Equal((1L, BaseTimestamp + 9_000), (max.TopicPartitionOffsetError.Offset.Value, max.Timestamp));
    }

    [Fact]
    public async Task The_max_timestamp_of_an_empty_partition_is_no_offset()
    {
        var topic = KafkaClients.NewTopic("maxts-empty");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        var result = await admin.ListOffsetsAsync([new TopicPartitionOffsetSpec { TopicPartition = new Confluent.Kafka.TopicPartition(topic, 0), OffsetSpec = OffsetSpec.MaxTimestamp() }]);

        var info = Assert.Single(result.ResultInfos);
        Assert.Equal(ErrorCode.NoError, info.TopicPartitionOffsetError.Error.Code);
        Assert.Equal((-1L, -1L), (info.TopicPartitionOffsetError.Offset.Value, info.Timestamp));
    }

    private async Task<string> ProduceAsync(string prefix, IEnumerable<long> timestamps)
    {
        var topic = KafkaClients.NewTopic(prefix);
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var producer = KafkaClients.Producer(broker.BootstrapServers);
        foreach (var timestamp in timestamps)
        {
            await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = BitConverter.GetBytes(timestamp), Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) });
        }

        return topic;
    }
}
