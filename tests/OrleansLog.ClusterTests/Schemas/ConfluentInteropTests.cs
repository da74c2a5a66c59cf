using Avro.Generic;
using Confluent.Kafka;
using OrleansLog.Client.Schemas;
using OrleansLog.Testing.Schemas;
using OrleansLog.ClusterTests.Infrastructure;
using ConfluentAvro = Confluent.SchemaRegistry.Serdes;
using Message = OrleansLog.Client.Message<string, Avro.Generic.GenericRecord>;
using MessageComponent = OrleansLog.Client.Schemas.MessageComponent;

namespace OrleansLog.ClusterTests.Schemas;

/// <summary>
/// Records written by Confluent's Avro and JSON Schema serializers read by the native deserializers and the other way round, against the
/// registry grain (through a test adapter of Confluent's client interface until the REST API lands).
/// </summary>
[Collection(LogClusterCollection.Name)]
public sealed class ConfluentInteropTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task Our_Avro_bytes_equal_Confluents_for_generic_specific_and_primitive_values()
    {
        var topic = LogCluster.NewTopic("interop-bytes");
        var registry = new SchemaRegistryClient(_log.Client);
        using var confluentRegistry = new GrainSchemaRegistryClient(_log.Cluster.Client);
        var context = new SerializationContext(MessageComponentType.Value, topic);
        var keyContext = new SerializationContext(MessageComponentType.Key, topic);

        var record = AvroOrders.Record(AvroOrders.Schema($"interop{Guid.NewGuid():N}"), 3);
        var theirs = await new ConfluentAvro.AvroSerializer<GenericRecord>(confluentRegistry).SerializeAsync(record, context);
        var ours = new AvroSerializer<GenericRecord>(registry, topic).Serialize(record);
        Assert.Equal(theirs, ours);

        var payment = new Payment { Id = "p-9", Amount = 99.5, Quantity = 4 };
        var paymentTopic = topic + "-payments";
        Assert.Equal(
            await new ConfluentAvro.AvroSerializer<Payment>(confluentRegistry).SerializeAsync(payment, new SerializationContext(MessageComponentType.Value, paymentTopic)),
            new AvroSerializer<Payment>(registry, paymentTopic).Serialize(payment));

        Assert.Equal(
            await new ConfluentAvro.AvroSerializer<string>(confluentRegistry).SerializeAsync("ключ", keyContext),
            new AvroSerializer<string>(registry, topic, MessageComponent.Key).Serialize("ключ"));
        Assert.Equal(
            await new ConfluentAvro.AvroSerializer<long>(confluentRegistry).SerializeAsync(-12345L, new SerializationContext(MessageComponentType.Key, topic + "-long")),
            await new AvroSerializer<long>(registry, topic + "-long", MessageComponent.Key).SerializeAsync(-12345L));
    }

    [Fact]
    public async Task Records_Confluent_writes_are_read_by_our_deserializer_through_the_log()
    {
        var topic = LogCluster.NewTopic("interop-theirs");
        await _log.CreateTopicAsync(topic, 1);
        using var confluentRegistry = new GrainSchemaRegistryClient(_log.Cluster.Client);
        var schema = AvroOrders.Schema($"theirs{Guid.NewGuid():N}");
        var keySerializer = new ConfluentAvro.AvroSerializer<string>(confluentRegistry);
        var valueSerializer = new ConfluentAvro.AvroSerializer<GenericRecord>(confluentRegistry);
        await using (var producer = _log.Client.CreateProducer<byte[], byte[]>())
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(topic, new Client.Message<byte[], byte[]>
                {
                    Key = await keySerializer.SerializeAsync($"k{i}", new SerializationContext(MessageComponentType.Key, topic)),
                    Value = await valueSerializer.SerializeAsync(AvroOrders.Record(schema, i), new SerializationContext(MessageComponentType.Value, topic)),
                });
            }
        }

        var registry = new SchemaRegistryClient(_log.Client);
        await using var consumer = _log.Client.CreateConsumer(keyDeserializer: new AvroDeserializer<string>(registry), valueDeserializer: new AvroDeserializer<GenericRecord>(registry));
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(10, TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"k{i}"), consumed.Select(r => r.Message.Key));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), consumed.Select(r => (long)r.Message.Value!["id"]));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"customer-{i % 7}"), consumed.Select(r => (string)r.Message.Value!["customer"]));
    }

    [Fact]
    public async Task Records_we_write_are_read_by_Confluents_deserializer_through_the_log()
    {
        var topic = LogCluster.NewTopic("interop-ours");
        await _log.CreateTopicAsync(topic, 1);
        var registry = new SchemaRegistryClient(_log.Client);
        var schema = AvroOrders.Schema($"ours{Guid.NewGuid():N}");
        await using (var producer = _log.Client.CreateProducer(keySerializer: new AvroSerializer<string>(registry, topic, MessageComponent.Key), valueSerializer: new AvroSerializer<GenericRecord>(registry, topic)))
        {
            for (var i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(topic, new Message { Key = $"k{i}", Value = AvroOrders.Record(schema, i) });
            }
        }

        using var confluentRegistry = new GrainSchemaRegistryClient(_log.Cluster.Client);
        var keyDeserializer = new ConfluentAvro.AvroDeserializer<string>(confluentRegistry);
        var valueDeserializer = new ConfluentAvro.AvroDeserializer<GenericRecord>(confluentRegistry);
        var paymentDeserializer = new ConfluentAvro.AvroDeserializer<Payment>(confluentRegistry);
        await using var consumer = _log.Client.CreateConsumer<byte[], byte[]>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(10, TimeSpan.FromSeconds(30));

        Assert.Equal(10, consumed.Count);
        for (var i = 0; i < 10; i++)
        {
            var key = await keyDeserializer.DeserializeAsync(consumed[i].Message.Key, isNull: false, new SerializationContext(MessageComponentType.Key, topic));
            var value = await valueDeserializer.DeserializeAsync(consumed[i].Message.Value, isNull: false, new SerializationContext(MessageComponentType.Value, topic));
            Assert.Equal($"k{i}", key);
            Assert.Equal((long)i, value["id"]);
            Assert.Equal(i * 1.25, value["total"]);
            Assert.Equal(i % 2 == 0 ? null : $"note {i}", value["note"]);
        }

        var payment = new Payment { Id = "p-1", Amount = 1.5, Quantity = 2 };
        var read = await paymentDeserializer.DeserializeAsync(new AvroSerializer<Payment>(registry, topic + "-payments").Serialize(payment), isNull: false, default);
        Assert.Equal(("p-1", 1.5, 2), (read.Id, read.Amount, read.Quantity));
    }

    [Fact]
    public async Task Json_records_written_by_either_side_are_read_by_the_other()
    {
        var topic = LogCluster.NewTopic("interop-json");
        var registry = new SchemaRegistryClient(_log.Client);
        using var confluentRegistry = new GrainSchemaRegistryClient(_log.Cluster.Client);
        var context = new SerializationContext(MessageComponentType.Value, topic);
        var shipment = new SchemaSerializerTests.Shipment { Id = 7, Destination = "dock 7", Weight = 3.5, Tags = ["fragile"] };

        var theirs = await new ConfluentAvro.JsonSerializer<SchemaSerializerTests.Shipment>(confluentRegistry).SerializeAsync(shipment, context);
        var readByUs = new JsonSchemaDeserializer<SchemaSerializerTests.Shipment>(registry).Deserialize(theirs, isNull: false)!;
        Assert.Equal((7, "dock 7", 3.5, "fragile"), (readByUs.Id, readByUs.Destination, readByUs.Weight, readByUs.Tags[0]));

        var ours = new JsonSchemaSerializer<SchemaSerializerTests.Shipment>(registry, topic + "-ours").Serialize(shipment)!;
        var readByThem = await new ConfluentAvro.JsonDeserializer<SchemaSerializerTests.Shipment>().DeserializeAsync(ours, isNull: false, context);
        Assert.Equal((7, "dock 7", 3.5, "fragile"), (readByThem.Id, readByThem.Destination, readByThem.Weight, readByThem.Tags[0]));
        Assert.Equal(OrleansLog.Schemas.SchemaType.Json, (await registry.GetSchemaAsync(SchemaWireFormat.ReadSchemaId(ours))).Type);
    }
}
