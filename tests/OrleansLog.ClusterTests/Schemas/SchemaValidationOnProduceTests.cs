using System.Buffers.Binary;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Schemas;
using OrleansLog.Topics;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.ClusterTests.Schemas;

[Collection(LogClusterCollection.Name)]
public sealed class SchemaValidationOnProduceTests(LogClusterFixture fixture)
{
    private const string Reading = """{"type":"record","name":"Reading","fields":[{"name":"celsius","type":"double"}]}""";

    private readonly LogCluster _log = fixture.Log;
    private readonly ISchemaRegistryGrain _registry = fixture.Log.Cluster.Client.GetGrain<ISchemaRegistryGrain>(ISchemaRegistryGrain.Key);

    // Confluent's wire format: magic byte 0, the schema id big-endian, then the payload.
    private static byte[] Framed(int schemaId, params byte[] payload)
    {
        var framed = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), schemaId);
        payload.CopyTo(framed, 5);
        return framed;
    }

    [Fact]
    public async Task A_value_without_a_registered_schema_id_is_refused_naming_the_record_and_accepted_once_registered()
    {
        var topic = LogCluster.NewTopic("validated");
        await _log.CreateTopicAsync(topic, 1, (TopicConfigKeys.ValueSchemaValidation, "true"));
        var other = await _registry.RegisterAsync($"{topic}-other-value", new Schema(Reading));

        await using var producer = _log.Client.CreateProducer<byte[], byte[]>();

        var plain = await Assert.ThrowsAsync<SchemaValidationException>(() => producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = "{}"u8.ToArray() }));
        Assert.Equal(ErrorCode.InvalidRecord, plain.ErrorCode);
        Assert.Contains("value of record 0", plain.Message);
        Assert.Contains("0x7B", plain.Message);

        // An id registered, but under another subject, is refused too, and the message says which subject it needs.
        var unregistered = await Assert.ThrowsAsync<SchemaValidationException>(() => producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = Framed(other.Id, 1, 2, 3) }));
        Assert.Contains($"schema id {other.Id}", unregistered.Message);
        Assert.Contains($"'{topic}-value'", unregistered.Message);

        var registered = await _registry.RegisterAsync($"{topic}-value", new Schema(Reading));
        Assert.Equal(other.Id, registered.Id);
        var delivered = await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = Framed(registered.Id, 1, 2, 3) });
        var tombstone = await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = "k"u8.ToArray(), Value = null });

        // Only the accepted records are in the log.
        Assert.Equal(0, delivered.Offset);
        Assert.Equal(1, tombstone.Offset);
        await using var consumer = _log.Client.CreateConsumer<byte[], byte[]>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(2, TimeSpan.FromSeconds(20));
        Assert.Equal(Framed(registered.Id, 1, 2, 3), consumed[0].Message.Value);
        Assert.Null(consumed[1].Message.Value);
    }

    [Fact]
    public async Task Key_validation_checks_keys_against_the_key_subject_and_leaves_values_alone()
    {
        var topic = LogCluster.NewTopic("validated-keys");
        await _log.CreateTopicAsync(topic, 1, (TopicConfigKeys.KeySchemaValidation, "true"));
        var keySchema = await _registry.RegisterAsync($"{topic}-key", new Schema("\"string\""));
        await using var producer = _log.Client.CreateProducer<byte[], byte[]>();

        var shortKey = await Assert.ThrowsAsync<SchemaValidationException>(() => producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = [0, 0], Value = "plain"u8.ToArray() }));
        Assert.Contains("key of record 0", shortKey.Message);

        var delivered = await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = Framed(keySchema.Id, 2, (byte)'k'), Value = "plain"u8.ToArray() });
        Assert.Equal(0, delivered.Offset);
    }

    [Fact]
    public async Task A_bad_record_in_a_batch_refuses_the_whole_batch()
    {
        var topic = LogCluster.NewTopic("validated-batch");
        await _log.CreateTopicAsync(topic, 1, (TopicConfigKeys.ValueSchemaValidation, "true"));
        var schema = await _registry.RegisterAsync($"{topic}-value", new Schema(Reading));
        await using var producer = _log.Client.CreateProducer<byte[], byte[]>(new ProducerOptions { Linger = TimeSpan.FromMilliseconds(200) });

        var good = producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = Framed(schema.Id, 1) });
        var bad = producer.ProduceAsync(topic, new Message<byte[], byte[]> { Value = Framed(schema.Id + 1_000_000, 1) });
        await Assert.ThrowsAsync<SchemaValidationException>(() => bad);
        await Assert.ThrowsAsync<SchemaValidationException>(() => good);

        var partition = await _log.PartitionAsync(topic, 0);
        Assert.Equal(0, (await partition.DescribeAsync(default)).HighWatermark);
    }

    [Fact]
    public async Task The_validation_configs_take_only_true_or_false()
    {
        var error = await Assert.ThrowsAsync<InvalidConfigException>(() => _log.CreateTopicAsync(LogCluster.NewTopic("validated-bad"), 1, (TopicConfigKeys.ValueSchemaValidation, "yes")));
        Assert.Contains(TopicConfigKeys.ValueSchemaValidation, error.Message);
    }
}
