using Avro;
using Avro.Generic;
using OrleansLog.Client;
using OrleansLog.Client.Schemas;
using OrleansLog.Testing.Schemas;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Schemas;

namespace OrleansLog.ClusterTests.Schemas;

/// <summary>The native Avro and JSON Schema serializers through the native producer and consumer, against the cluster's registry grain.</summary>
[Collection(LogClusterCollection.Name)]
public sealed class SchemaSerializerTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    private ISchemaRegistryGrain Grain => _log.Cluster.Client.GetGrain<ISchemaRegistryGrain>(ISchemaRegistryGrain.Key);

    [Fact]
    public async Task Generic_records_round_trip_with_Avro_string_keys_and_register_the_topic_subjects()
    {
        var topic = LogCluster.NewTopic("avro-generic");
        await _log.CreateTopicAsync(topic, 2);
        var registry = new SchemaRegistryClient(_log.Client);
        var schema = AvroOrders.Schema("com.example");
        var keySerializer = new AvroSerializer<string>(registry, topic, MessageComponent.Key);
        var valueSerializer = new AvroSerializer<GenericRecord>(registry, topic);
        await valueSerializer.InitializeAsync(schema);
        await using (var producer = _log.Client.CreateProducer(keySerializer: keySerializer, valueSerializer: valueSerializer))
        {
            await Task.WhenAll(Enumerable.Range(0, 60).Select(i =>
                producer.ProduceAsync(topic, new Message<string, GenericRecord> { Key = $"k{i}", Value = AvroOrders.Record(schema, i) })));
        }

        await using var consumer = _log.Client.CreateConsumer(keyDeserializer: new AvroDeserializer<string>(registry), valueDeserializer: new AvroDeserializer<GenericRecord>(registry));
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 2));
        var consumed = await consumer.ConsumeAsync(60, TimeSpan.FromSeconds(30));

        Assert.Equal(60, consumed.Count);
        foreach (var result in consumed)
        {
            var value = result.Message.Value!;
            var id = (long)value["id"];
            Assert.Equal($"k{id}", result.Message.Key);
            Assert.Equal($"customer-{id % 7}", value["customer"]);
            Assert.Equal(id * 1.25, value["total"]);
            Assert.Equal(id % 2 == 0 ? null : $"note {id}", value["note"]);
        }

        Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), consumed.Select(r => (long)r.Message.Value!["id"]).Order());
        Assert.Equal([$"{topic}-key", $"{topic}-value"], await Grain.GetSubjectsAsync(prefix: topic));
        var registered = await Grain.GetVersionAsync($"{topic}-value", ISchemaRegistryGrain.LatestVersion);
        Assert.Equal(schema.ToString(), registered.Schema.Text);
        Assert.Equal(SchemaType.Avro, registered.Schema.Type);
    }

    [Fact]
    public async Task Specific_records_round_trip()
    {
        var topic = LogCluster.NewTopic("avro-specific");
        await _log.CreateTopicAsync(topic, 1);
        var registry = new SchemaRegistryClient(_log.Client);
        var payments = Enumerable.Range(0, 25).Select(i => new Payment { Id = $"p{i}", Amount = i / 4.0, Quantity = i * 3 }).ToList();
        await using (var producer = _log.Client.CreateProducer(valueSerializer: new AvroSerializer<Payment>(registry, topic), keySerializer: Client.Serialization.Serializers.Utf8))
        {
            foreach (var payment in payments)
            {
                await producer.ProduceAsync(topic, new Message<string, Payment> { Key = payment.Id, Value = payment });
            }
        }

        await using var consumer = _log.Client.CreateConsumer(valueDeserializer: new AvroDeserializer<Payment>(registry), keyDeserializer: Client.Serialization.Deserializers.Utf8);
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(25, TimeSpan.FromSeconds(30));

        Assert.Equal(
            payments.Select(p => (p.Id, p.Amount, p.Quantity)),
            consumed.Select(r => (r.Message.Value!.Id, r.Message.Value.Amount, r.Message.Value.Quantity)));
        Assert.Equal(Payment._SCHEMA.ToString(), (await Grain.GetVersionAsync($"{topic}-value", 1)).Schema.Text);
    }

    [Fact]
    public async Task Primitives_round_trip_as_keys_and_values()
    {
        var topic = LogCluster.NewTopic("avro-primitives");
        await _log.CreateTopicAsync(topic, 1);
        var registry = new SchemaRegistryClient(_log.Client);
        await using (var producer = _log.Client.CreateProducer(keySerializer: new AvroSerializer<long>(registry, topic, MessageComponent.Key), valueSerializer: new AvroSerializer<byte[]>(registry, topic)))
        {
            for (var i = 0; i < 20; i++)
            {
                await producer.ProduceAsync(topic, new Message<long, byte[]> { Key = long.MaxValue - i, Value = i == 5 ? null : Enumerable.Repeat((byte)i, i).ToArray() });
            }
        }

        await using var consumer = _log.Client.CreateConsumer(keyDeserializer: new AvroDeserializer<long>(registry), valueDeserializer: new AvroDeserializer<byte[]>(registry));
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(20, TimeSpan.FromSeconds(30));

        Assert.Equal(20, consumed.Count);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(long.MaxValue - i, consumed[i].Message.Key);
            Assert.Equal(i == 5 ? null : Enumerable.Repeat((byte)i, i).ToArray(), consumed[i].Message.Value);
        }

        // A string, int, float and bool each round-trip through the registry too.
        Assert.Equal("héllo", await RoundTripAsync(registry, topic, "héllo"));
        Assert.Equal(-17, await RoundTripAsync(registry, topic, -17));
        Assert.Equal(2.5f, await RoundTripAsync(registry, topic, 2.5f));
        Assert.True(await RoundTripAsync(registry, topic, true));
    }

    [Fact]
    public async Task Json_values_round_trip_and_register_a_JSON_schema()
    {
        var topic = LogCluster.NewTopic("json");
        await _log.CreateTopicAsync(topic, 1);
        var registry = new SchemaRegistryClient(_log.Client);
        var serializer = new JsonSchemaSerializer<Shipment>(registry, topic);
        var shipments = Enumerable.Range(0, 15).Select(i => new Shipment { Id = i, Destination = $"dock {i}", Weight = i * 0.5, Tags = [$"t{i}"] }).ToList();
        await using (var producer = _log.Client.CreateProducer(valueSerializer: serializer, keySerializer: Client.Serialization.Serializers.Utf8))
        {
            foreach (var shipment in shipments)
            {
                await producer.ProduceAsync(topic, new Message<string, Shipment> { Key = $"{shipment.Id}", Value = shipment });
            }
        }

        await using var consumer = _log.Client.CreateConsumer(valueDeserializer: new JsonSchemaDeserializer<Shipment>(registry), keyDeserializer: Client.Serialization.Deserializers.Utf8);
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(15, TimeSpan.FromSeconds(30));

        Assert.Equal(shipments.Select(s => (s.Id, s.Destination, s.Weight, s.Tags[0])), consumed.Select(r => (r.Message.Value!.Id, r.Message.Value.Destination, r.Message.Value.Weight, r.Message.Value.Tags[0])));
        var registered = await Grain.GetVersionAsync($"{topic}-value", ISchemaRegistryGrain.LatestVersion);
        Assert.Equal(SchemaType.Json, registered.Schema.Type);
        Assert.Contains("\"Destination\"", registered.Schema.Text);
    }

    [Theory]
    [InlineData(SubjectNameStrategy.Topic)]
    [InlineData(SubjectNameStrategy.Record)]
    [InlineData(SubjectNameStrategy.TopicRecord)]
    public async Task Subject_strategies_register_the_subjects_they_name(SubjectNameStrategy strategy)
    {
        var topic = LogCluster.NewTopic("strategy");
        await _log.CreateTopicAsync(topic, 1);
        var ns = $"strategy{Guid.NewGuid():N}";
        var registry = new SchemaRegistryClient(_log.Client);
        var options = new AvroSerializerOptions { SubjectNameStrategy = strategy };
        var keySchema = (RecordSchema)Avro.Schema.Parse($$"""{"type":"record","name":"Key","namespace":"{{ns}}","fields":[{"name":"id","type":"long"}]}""");
        var key = new GenericRecord(keySchema);
        key.Add("id", 1L);
        await using (var producer = _log.Client.CreateProducer(
            keySerializer: new AvroSerializer<GenericRecord>(registry, topic, MessageComponent.Key, options),
            valueSerializer: new AvroSerializer<GenericRecord>(registry, topic, MessageComponent.Value, options)))
        {
            await producer.ProduceAsync(topic, new Message<GenericRecord, GenericRecord> { Key = key, Value = AvroOrders.Record(AvroOrders.Schema(ns), 1) });
        }

        string[] expected = strategy switch
        {
            SubjectNameStrategy.Topic => [$"{topic}-key", $"{topic}-value"],
            SubjectNameStrategy.Record => [$"{ns}.Key", $"{ns}.Order"],
            _ => [$"{topic}-{ns}.Key", $"{topic}-{ns}.Order"],
        };
        var subjects = (await Grain.GetSubjectsAsync()).Where(s => s.Contains(topic, StringComparison.Ordinal) || s.Contains(ns, StringComparison.Ordinal));
        Assert.Equal(expected.Order(StringComparer.Ordinal), subjects);

        // Each subject holds its schema as version 1, and the record in the log carries that id.
        var valueSubject = expected[1];
        var version = await Grain.GetVersionAsync(valueSubject, 1);
        Assert.Equal($"{ns}.Order", Avro.Schema.Parse(version.Schema.Text).Fullname);
        await using var consumer = _log.Client.CreateConsumer<byte[], byte[]>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var raw = Assert.Single(await consumer.ConsumeAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal(version.Id, SchemaWireFormat.ReadSchemaId(raw.Message.Value));
    }

    private static async Task<T?> RoundTripAsync<T>(SchemaRegistryClient registry, string topic, T value) =>
        await new AvroDeserializer<T>(registry).DeserializeAsync(await new AvroSerializer<T>(registry, $"{topic}-{typeof(T).Name}").SerializeAsync(value), isNull: false);

    public sealed class Shipment
    {
        public int Id { get; set; }

        public string Destination { get; set; } = "";

        public double Weight { get; set; }

        public string[] Tags { get; set; } = [];
    }
}
