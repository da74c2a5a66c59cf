using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Testing.Schemas;
using Native = OrleansLog.Client;
using Ours = OrleansLog.Client.Schemas;
using Theirs = Confluent.SchemaRegistry.Serdes;

namespace OrleansLog.KafkaTests;

/// <summary>
/// The schema registry end to end: schemas registered through the CLI or the REST API, records written by the native serializers through
/// the native client and read by Confluent's serdes through the Kafka listener (and the other way round), and validation on produce as a
/// Kafka producer meets it.
/// </summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class SchemaRegistryInteropTests(KafkaBrokerFixture broker) : IDisposable
{
    private const string ValueValidation = "orleanslog.value.schema.validation";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly CachedSchemaRegistryClient _confluentRegistry = new(new SchemaRegistryConfig { Url = broker.SchemaRegistryUrl });

    public void Dispose() => _confluentRegistry.Dispose();

    [Fact]
    public async Task A_schema_registered_with_the_CLI_writes_native_Avro_records_that_Confluents_deserializer_reads_through_the_Kafka_listener()
    {
        var topic = KafkaClients.NewTopic("sr-journey");
        var subject = topic + "-value";
        await broker.Log.Admin.CreateTopicAsync(topic, 2);

        // A file as people write them: indented, with a doc; the serializer looks it up by its compact text.
        var schemaText = AvroOrders.SchemaText("com.example.journey", indented: true);
        var file = Path.Combine(Path.GetTempPath(), $"{topic}.avsc");
        await File.WriteAllTextAsync(file, schemaText);
        try
        {
            var (code, output, error) = await CliRunner.RunAsync(broker, "schemas", "register", subject, "--file", file);
            Assert.True(code == 0, $"exit {code}: {error}");
            Assert.Contains($"Registered subject {subject} version 1", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }

        var registered = await _confluentRegistry.GetLatestSchemaAsync(subject);
        var schema = (RecordSchema)Avro.Schema.Parse(schemaText);
        var registry = new Ours.SchemaRegistryClient(broker.Log);
        var serializer = new Ours.AvroSerializer<GenericRecord>(registry, topic, options: new Ours.AvroSerializerOptions { AutoRegisterSchemas = false });
        await using (var producer = broker.Log.CreateProducer(keySerializer: Native.Serialization.Serializers.Utf8, valueSerializer: serializer))
        {
            for (var i = 0; i < 20; i++)
            {
                await producer.ProduceAsync(topic, new Native.Message<string, GenericRecord> { Key = $"k{i}", Value = AvroOrders.Record(schema, i) });
            }
        }

        using var consumer = new ConsumerBuilder<string, GenericRecord>(ConsumerConfig())
            .SetValueDeserializer(new Theirs.AvroDeserializer<GenericRecord>(_confluentRegistry).AsSyncOverAsync())
            .Build();
        consumer.Assign([new TopicPartitionOffset(topic, 0, Offset.Beginning), new TopicPartitionOffset(topic, 1, Offset.Beginning)]);
        var consumed = ConsumeAtLeast(consumer, 20);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), consumed.Select(r => (long)r.Message.Value["id"]).Order());
        foreach (var result in consumed)
        {
            var value = result.Message.Value;
            var id = (long)value["id"];
            Assert.Equal($"k{id}", result.Message.Key);
            Assert.Equal(($"customer-{id % 7}", id * 1.25, id % 2 == 0 ? null : $"note {id}"), ((string)value["customer"], (double)value["total"], (string?)value["note"]));
            Assert.Equal("com.example.journey.Order", value.Schema.Fullname);
        }

        // Confluent's deserializer hides the id it read; the raw records carry the id the CLI registered, and nothing new was registered.
        using var raw = KafkaClients.Consumer(broker.BootstrapServers);
        raw.Assign([new TopicPartitionOffset(topic, 0, Offset.Beginning), new TopicPartitionOffset(topic, 1, Offset.Beginning)]);
        var ids = raw.ConsumeAtLeast(20, Patience).Select(r => (r.Message.Value![0], BinaryPrimitives.ReadInt32BigEndian(r.Message.Value.AsSpan(1)))).Distinct();
        Assert.Equal([((byte)0, registered.Id)], ids);
        Assert.Equal([1], await _confluentRegistry.GetSubjectVersionsAsync(subject));
    }

    [Fact]
    public async Task Records_Confluents_Avro_serializer_writes_through_the_Kafka_listener_are_read_by_the_native_deserializer()
    {
        var topic = KafkaClients.NewTopic("sr-theirs");
        var subject = topic + "-value";
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        var schema = AvroOrders.Schema("com.example.theirs");

        // Default options: auto-registration and the associated subject name strategy, which asks the registry's associations API first.
        using (var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 5 })
            .SetValueSerializer(new Theirs.AvroSerializer<GenericRecord>(_confluentRegistry))
            .Build())
        {
            for (var i = 0; i < 20; i++)
            {
                var delivered = await producer.ProduceAsync(topic, new Message<string, GenericRecord> { Key = $"k{i}", Value = AvroOrders.Record(schema, i) });
                Assert.Equal(i, delivered.Offset.Value);
            }
        }

        var registry = new Ours.SchemaRegistryClient(broker.Log);
        await using var consumer = broker.Log.CreateConsumer(
            keyDeserializer: Native.Serialization.Deserializers.Utf8,
            valueDeserializer: new Ours.AvroDeserializer<GenericRecord>(registry));
        consumer.Assign([new Native.TopicPartitionOffset(topic, 0, Native.Offset.Beginning)]);
        var consumed = await ConsumeAtLeastAsync(consumer, 20);

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"k{i}"), consumed.Select(r => r.Message.Key));
        for (var i = 0; i < 20; i++)
        {
            var value = consumed[i].Message.Value!;
            Assert.Equal(((long)i, $"customer-{i % 7}", i * 1.25, i % 2 == 0 ? null : $"note {i}"), ((long)value["id"], (string)value["customer"], (double)value["total"], (string?)value["note"]));
        }

        Assert.Contains(subject, await _confluentRegistry.GetAllSubjectsAsync());
        var registered = await _confluentRegistry.GetLatestSchemaAsync(subject);
        Assert.Equal((1, SchemaType.Avro), (registered.Version, registered.SchemaType));
        Assert.Equal(schema, Avro.Schema.Parse(registered.SchemaString));
        using var http = new HttpClient();
        Assert.Equal("[]", await http.GetStringAsync($"{broker.SchemaRegistryUrl}/associations/resources/-/{topic}?resourceType=topic&associationType=value"));
    }

    [Fact]
    public async Task Records_whose_schema_references_another_subject_are_written_with_the_latest_version_and_read_by_either_side()
    {
        var topic = KafkaClients.NewTopic("sr-refs");
        var (addressSubject, subject) = (topic + "-address", topic + "-value");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        const string Address = """{"type":"record","name":"Address","namespace":"com.example.refs","fields":[{"name":"city","type":"string"}]}""";
        const string Customer = """{"type":"record","name":"Customer","namespace":"com.example.refs","fields":[{"name":"name","type":"string"},{"name":"home","type":"Address"}]}""";
        await _confluentRegistry.RegisterSchemaAsync(addressSubject, new Confluent.SchemaRegistry.Schema(Address, SchemaType.Avro));
        var customerId = await _confluentRegistry.RegisterSchemaAsync(
            subject, new Confluent.SchemaRegistry.Schema(Customer, [new SchemaReference("com.example.refs.Address", addressSubject, 1)], SchemaType.Avro));

        // The producers hold the customer schema with Address inline; both write with the registered version, which references it.
        var schema = (RecordSchema)Avro.Schema.Parse(
            """{"type":"record","name":"Customer","namespace":"com.example.refs","fields":[{"name":"name","type":"string"},{"name":"home","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}}]}""");
        GenericRecord CustomerRecord(int i)
        {
            var home = new GenericRecord((RecordSchema)schema["home"].Schema);
            home.Add("city", $"city-{i}");
            var customer = new GenericRecord(schema);
            customer.Add("name", $"name-{i}");
            customer.Add("home", home);
            return customer;
        }

        var registry = new Ours.SchemaRegistryClient(broker.Log);
        var ours = new Ours.AvroSerializer<GenericRecord>(registry, topic, options: new Ours.AvroSerializerOptions { AutoRegisterSchemas = false, UseLatestVersion = true });
        await using (var producer = broker.Log.CreateProducer(keySerializer: Native.Serialization.Serializers.Utf8, valueSerializer: ours))
        {
            for (var i = 0; i < 5; i++)
            {
                await producer.ProduceAsync(topic, new Native.Message<string, GenericRecord> { Key = $"k{i}", Value = CustomerRecord(i) });
            }
        }

        var theirs = new Theirs.AvroSerializer<GenericRecord>(_confluentRegistry, new Theirs.AvroSerializerConfig { AutoRegisterSchemas = false, UseLatestVersion = true });
        using (var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 5 })
            .SetValueSerializer(theirs)
            .Build())
        {
            for (var i = 5; i < 10; i++)
            {
                await producer.ProduceAsync(topic, new Message<string, GenericRecord> { Key = $"k{i}", Value = CustomerRecord(i) });
            }
        }

        await using (var consumer = broker.Log.CreateConsumer(keyDeserializer: Native.Serialization.Deserializers.Utf8, valueDeserializer: new Ours.AvroDeserializer<GenericRecord>(registry)))
        {
            consumer.Assign([new Native.TopicPartitionOffset(topic, 0, Native.Offset.Beginning)]);
            var readByUs = await ConsumeAtLeastAsync(consumer, 10);
            Assert.Equal(
                Enumerable.Range(0, 10).Select(i => ($"k{i}", $"name-{i}", $"city-{i}")),
                readByUs.Select(r => (r.Message.Key!, (string)r.Message.Value!["name"], (string)((GenericRecord)r.Message.Value["home"])["city"])));
        }

        using (var consumer = new ConsumerBuilder<string, GenericRecord>(ConsumerConfig())
            .SetValueDeserializer(new Theirs.AvroDeserializer<GenericRecord>(_confluentRegistry).AsSyncOverAsync())
            .Build())
        {
            consumer.Assign([new TopicPartitionOffset(topic, 0, Offset.Beginning)]);
            var readByThem = ConsumeAtLeast(consumer, 10);
            Assert.Equal(
                Enumerable.Range(0, 10).Select(i => ($"k{i}", $"name-{i}", $"city-{i}")),
                readByThem.Select(r => (r.Message.Key, (string)r.Message.Value["name"], (string)((GenericRecord)r.Message.Value["home"])["city"])));
        }

        // Every record carries the registered version's id; nothing was registered on the way.
        using var raw = KafkaClients.Consumer(broker.BootstrapServers);
        raw.Assign([new TopicPartitionOffset(topic, 0, Offset.Beginning)]);
        Assert.Equal([customerId], raw.ConsumeAtLeast(10, Patience).Select(r => BinaryPrimitives.ReadInt32BigEndian(r.Message.Value.AsSpan(1))).Distinct());
        Assert.Equal([1], await _confluentRegistry.GetSubjectVersionsAsync(subject));
    }

    [Fact]
    public async Task KafkaJS_schema_registry_client_reads_native_Avro_records_and_writes_records_the_native_deserializer_reads()
    {
        var topic = KafkaClients.NewTopic("sr-kafkajs");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        var schema = AvroOrders.Schema("com.example.kafkajs");
        var registry = new Ours.SchemaRegistryClient(broker.Log);
        await using (var producer = broker.Log.CreateProducer(
            keySerializer: Native.Serialization.Serializers.Utf8, valueSerializer: new Ours.AvroSerializer<GenericRecord>(registry, topic)))
        {
            for (var i = 0; i < 5; i++)
            {
                await producer.ProduceAsync(topic, new Native.Message<string, GenericRecord> { Key = $"k{i}", Value = AvroOrders.Record(schema, i) });
            }
        }

        // KafkaJS registers the same schema (so gets the native serializer's id), writes records 5 to 9 and decodes all ten.
        var theirs = Enumerable.Range(5, 5).Select(i => new JsonObject
        {
            ["id"] = i,
            ["customer"] = $"customer-{i % 7}",
            ["total"] = i * 1.25,
            ["note"] = i % 2 == 0 ? null : $"note {i}",
        });
        var input = new JsonObject
        {
            ["registry"] = broker.SchemaRegistryUrl,
            ["schema"] = schema.ToString(),
            ["group"] = "sr-kafkajs-" + Guid.NewGuid().ToString("N"),
            ["records"] = new JsonArray([.. theirs]),
            ["expected"] = 10,
        };
        var answer = await KafkaJs.RunAsync("schemas", broker.BootstrapServers, topic, input.ToJsonString());

        var id = answer.GetProperty("id").GetInt32();
        var decoded = answer.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 10), decoded.Select(r => r.GetProperty("offset").GetInt32()));
        Assert.All(decoded, r => Assert.Equal(id, r.GetProperty("id").GetInt32()));
        for (var i = 0; i < 10; i++)
        {
            var value = decoded[i].GetProperty("value");
            Assert.Equal(
                (i, $"customer-{i % 7}", i * 1.25, i % 2 == 0 ? null : $"note {i}"),
                (value.GetProperty("id").GetInt32(), value.GetProperty("customer").GetString(), value.GetProperty("total").GetDouble(), value.GetProperty("note").GetString()));
        }

        await using var consumer = broker.Log.CreateConsumer(
            keyDeserializer: Native.Serialization.Deserializers.Utf8, valueDeserializer: new Ours.AvroDeserializer<GenericRecord>(registry));
        consumer.Assign([new Native.TopicPartitionOffset(topic, 0, Native.Offset.Beginning)]);
        var readByUs = await ConsumeAtLeastAsync(consumer, 10);
        Assert.Equal(
            Enumerable.Range(0, 10).Select(i => ($"k{i}", (long)i, $"customer-{i % 7}", i * 1.25, i % 2 == 0 ? null : $"note {i}")),
            readByUs.Select(r => (r.Message.Key!, (long)r.Message.Value!["id"], (string)r.Message.Value["customer"], (double)r.Message.Value["total"], (string?)r.Message.Value["note"])));
        Assert.Equal([1], await _confluentRegistry.GetSubjectVersionsAsync(topic + "-value"));
    }

    [Fact]
    public async Task Json_Schema_records_written_by_either_side_through_the_Kafka_listener_or_the_native_client_are_read_by_the_other()
    {
        var (theirsTopic, oursTopic) = (KafkaClients.NewTopic("sr-json-theirs"), KafkaClients.NewTopic("sr-json-ours"));
        await broker.Log.Admin.CreateTopicAsync(theirsTopic, 1);
        await broker.Log.Admin.CreateTopicAsync(oursTopic, 1);
        var shipments = Enumerable.Range(0, 10).Select(i => new Shipment { Id = i, Destination = $"dock {i}", Weight = i * 0.5, Tags = i % 2 == 0 ? ["fragile"] : [] }).ToList();

        using (var producer = new ProducerBuilder<Null, Shipment>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 5 })
            .SetValueSerializer(new Theirs.JsonSerializer<Shipment>(_confluentRegistry))
            .Build())
        {
            foreach (var shipment in shipments)
            {
                await producer.ProduceAsync(theirsTopic, new Message<Null, Shipment> { Value = shipment });
            }
        }

        await using (var consumer = broker.Log.CreateConsumer(valueDeserializer: new Ours.JsonSchemaDeserializer<Shipment>(new Ours.SchemaRegistryClient(broker.Log)), keyDeserializer: Native.Serialization.Deserializers.Utf8))
        {
            consumer.Assign([new Native.TopicPartitionOffset(theirsTopic, 0, Native.Offset.Beginning)]);
            var readByUs = await ConsumeAtLeastAsync(consumer, 10);
            Assert.Equal(shipments.Select(Describe), readByUs.Select(r => Describe(r.Message.Value!)));
        }

        var registry = new Ours.SchemaRegistryClient(broker.Log);
        await using (var producer = broker.Log.CreateProducer(keySerializer: Native.Serialization.Serializers.Utf8, valueSerializer: new Ours.JsonSchemaSerializer<Shipment>(registry, oursTopic)))
        {
            foreach (var shipment in shipments)
            {
                await producer.ProduceAsync(oursTopic, new Native.Message<string, Shipment> { Key = $"s{shipment.Id}", Value = shipment });
            }
        }

        using var theirConsumer = new ConsumerBuilder<string, Shipment>(ConsumerConfig())
            .SetValueDeserializer(new Theirs.JsonDeserializer<Shipment>().AsSyncOverAsync())
            .Build();
        theirConsumer.Assign([new TopicPartitionOffset(oursTopic, 0, Offset.Beginning)]);
        var readByThem = ConsumeAtLeast(theirConsumer, 10);
        Assert.Equal(shipments.Select(Describe), readByThem.Select(r => Describe(r.Message.Value)));
        Assert.Equal(shipments.Select(s => $"s{s.Id}"), readByThem.Select(r => r.Message.Key));

        foreach (var topic in new[] { theirsTopic, oursTopic })
        {
            var registered = await _confluentRegistry.GetLatestSchemaAsync(topic + "-value");
            Assert.Equal((1, SchemaType.Json), (registered.Version, registered.SchemaType));
        }
    }

    [Fact]
    public async Task A_topic_that_validates_values_refuses_a_plain_Kafka_record_with_invalid_record_and_takes_Confluents_Avro_records()
    {
        var topic = KafkaClients.NewTopic("sr-validate");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = -1, Configs = new() { [ValueValidation] = "true" } }]);
            var described = Assert.Single(await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]));
            var entry = described.Entries[ValueValidation];
            Assert.Equal(("true", ConfigSource.DynamicTopicConfig), (entry.Value, entry.Source));
            Assert.Equal("false", described.Entries["orleanslog.key.schema.validation"].Value);
        }

        using (var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort))
        {
            var request = new DescribeConfigsRequest { IncludeDocumentation = true };
            request.Resources.Add(new DescribeConfigsRequest.DescribeConfigsResource { ResourceType = 2, ResourceName = topic, ConfigurationKeys = [ValueValidation] });
            var config = Assert.Single(Assert.Single((await wire.SendAsync<DescribeConfigsResponse>(request, 4)).Results).Configs);
            const sbyte boolean = 1;
            Assert.Equal((ValueValidation, "true", boolean), (config.Name, config.Value, config.ConfigType));
        }

        using (var plain = KafkaClients.Producer(broker.BootstrapServers))
        {
            var refused = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() => plain.ProduceAsync(
                topic,
                new Message<byte[]?, byte[]?> { Key = Encoding.UTF8.GetBytes("k"), Value = Encoding.UTF8.GetBytes("not a schema record") }));
            Assert.Equal(Confluent.Kafka.ErrorCode.InvalidRecord, refused.Error.Code);
            Assert.Equal(87, (int)refused.Error.Code);
        }

        // Confluent.Kafka 2.16 reports librdkafka's text for the code (rd_kafka_message_errstr), not the broker's error_message (KIP-467,
        // Produce v8+); the listener's answer at v9 carries the message that names the record.
        using (var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort))
        {
            var answer = await wire.SendAsync<ProduceResponse>(WireRequests.Produce(topic, acks: -1, (0, WireRequests.Batch("still not a schema record"))), 9);
            var partition = Assert.Single(Assert.Single(answer.Responses).PartitionResponses);
            Assert.Equal((short)87, partition.ErrorCode);
            Assert.Contains("The value of record 0 in batch 0", partition.ErrorMessage, StringComparison.Ordinal);
            Assert.Contains(topic, partition.ErrorMessage, StringComparison.Ordinal);
        }

        var schema = AvroOrders.Schema("com.example.validated");
        using (var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 5 })
            .SetValueSerializer(new Theirs.AvroSerializer<GenericRecord>(_confluentRegistry))
            .Build())
        {
            for (var i = 0; i < 5; i++)
            {
                var delivered = await producer.ProduceAsync(topic, new Message<string, GenericRecord> { Key = $"k{i}", Value = AvroOrders.Record(schema, i) });
                Assert.Equal((PersistenceStatus.Persisted, (long)i), (delivered.Status, delivered.Offset.Value));
            }
        }

        using var consumer = new ConsumerBuilder<string, GenericRecord>(ConsumerConfig())
            .SetValueDeserializer(new Theirs.AvroDeserializer<GenericRecord>(_confluentRegistry).AsSyncOverAsync())
            .Build();
        consumer.Assign([new TopicPartitionOffset(topic, 0, Offset.Beginning)]);
        var consumed = ConsumeAtLeast(consumer, 5);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (long)i), consumed.Select(r => (long)r.Message.Value["id"]));
        Assert.Equal(5, (await broker.Log.Admin.DescribePartitionsAsync(topic))[0].HighWatermark);
    }

    private static string Describe(Shipment shipment) => $"{shipment.Id}|{shipment.Destination}|{shipment.Weight}|{string.Join(',', shipment.Tags)}";

    private ConsumerConfig ConsumerConfig() => new()
    {
        BootstrapServers = broker.BootstrapServers,
        GroupId = "sr-interop-" + Guid.NewGuid().ToString("N")[..8],
        EnableAutoCommit = false,
        EnableAutoOffsetStore = false,
        FetchWaitMaxMs = 100,
    };

    private static List<ConsumeResult<TKey, TValue>> ConsumeAtLeast<TKey, TValue>(IConsumer<TKey, TValue> consumer, int count)
    {
        var results = new List<ConsumeResult<TKey, TValue>>(count);
        var deadline = DateTime.UtcNow + Patience;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } result)
            {
                results.Add(result);
            }
        }

        Assert.Equal(count, results.Count);
        return results;
    }

    private static async Task<List<Native.ConsumeResult<TKey, TValue>>> ConsumeAtLeastAsync<TKey, TValue>(Native.Consumer<TKey, TValue> consumer, int count)
    {
        var results = new List<Native.ConsumeResult<TKey, TValue>>(count);
        var deadline = DateTime.UtcNow + Patience;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                results.Add(result);
            }
        }

        Assert.Equal(count, results.Count);
        return results;
    }

    /// <summary>A JSON Schema value; public with settable properties, as both Confluent's (Newtonsoft) and the native (System.Text.Json) serdes need.</summary>
    public sealed class Shipment
    {
        public int Id { get; set; }

        public string Destination { get; set; } = "";

        public double Weight { get; set; }

        public string[] Tags { get; set; } = [];
    }
}
