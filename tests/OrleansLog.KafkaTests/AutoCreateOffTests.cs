using Confluent.Kafka;
using OrleansLog.Errors;
using OrleansLog.Kafka.Protocol;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace OrleansLog.KafkaTests;

/// <summary>A silo with OrleansLog:Kafka:AutoCreateTopics=false: produces to unknown topics fail and create nothing.</summary>
[Collection(NoAutoCreateKafkaBrokerCollection.Name)]
public sealed class AutoCreateOffTests(NoAutoCreateKafkaBrokerFixture broker)
{
    [Fact]
    public async Task Produce_to_an_unknown_topic_gets_UNKNOWN_TOPIC_OR_PARTITION_and_creates_nothing()
    {
        var topic = KafkaClients.NewTopic("no-auto");
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var response = await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, WireRequests.Produce(topic, -1, (0, WireRequests.Batch("lost"))));

        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal(((short)ErrorCode.UnknownTopicOrPart, -1L), (partition.ErrorCode, partition.BaseOffset));
        await Assert.ThrowsAsync<UnknownTopicException>(() => broker.Log.Admin.DescribeTopicAsync(topic));
    }

    [Fact]
    public async Task A_kafka_producer_to_an_unknown_topic_fails_with_unknown_topic_and_creates_nothing()
    {
        var topic = KafkaClients.NewTopic("no-auto-client");
        // librdkafka waits topic.metadata.propagation.max.ms for a topic Metadata calls unknown before it gives up on it.
        using var producer = KafkaClients.Producer(broker.BootstrapServers, c => (c.TopicMetadataPropagationMaxMs, c.MessageTimeoutMs) = (1000, 20_000));

        var error = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() =>
            producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = "lost"u8.ToArray() }));

        Assert.Equal(ErrorCode.UnknownTopicOrPart, error.Error.Code);
        await Assert.ThrowsAsync<UnknownTopicException>(() => broker.Log.Admin.DescribeTopicAsync(topic));
    }

    [Fact]
    public async Task Existing_topics_still_take_records()
    {
        var topic = KafkaClients.NewTopic("no-auto-existing");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var producer = KafkaClients.Producer(broker.BootstrapServers);

        var delivery = await producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = "kept"u8.ToArray() });

        Assert.Equal(0, delivery.Offset.Value);
        Assert.Equal(1, (await broker.Log.Admin.DescribePartitionsAsync(topic))[0].HighWatermark);
    }
}
