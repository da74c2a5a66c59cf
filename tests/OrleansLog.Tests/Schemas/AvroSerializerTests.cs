using Avro;
using Avro.Generic;
using OrleansLog.Client.Schemas;
using OrleansLog.Testing.Schemas;
using ErrorCode = OrleansLog.Errors.ErrorCode;
using RegistrySchema = OrleansLog.Schemas.Schema;

namespace OrleansLog.Tests.Schemas;

public sealed class AvroSerializerTests
{
    private const string OrderSchema =
        """{"type":"record","name":"Order","namespace":"com.example","fields":[{"name":"id","type":"int"},{"name":"customer","type":"string"}]}""";

    private readonly InMemorySchemaRegistryGrain _grain = new();

    private SchemaRegistryClient Registry => new(_grain);

    [Fact]
    public async Task Primitives_are_framed_Avro_binary_after_the_header_and_registered_as_Avro_prints_them()
    {
        var registry = Registry;
        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 4, (byte)'h', (byte)'i' }, new AvroSerializer<string>(registry, "t").Serialize("hi"));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 2, 2 }, new AvroSerializer<int>(registry, "t", MessageComponent.Key).Serialize(1));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 3, 1 }, new AvroSerializer<long>(registry, "u").Serialize(-1L));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 4, 1 }, new AvroSerializer<bool>(registry, "v").Serialize(true));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F }, new AvroSerializer<double>(registry, "w").Serialize(1.0));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 6, 0, 0, 0x80, 0x3F }, new AvroSerializer<float>(registry, "x").Serialize(1.0f));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 7, 4, 1, 2 }, new AvroSerializer<byte[]>(registry, "y").Serialize([1, 2]));
        
        // Apache.Avro prints a primitive schema as an object, and Confluent's serializer registers that same text.
        Assert.Equal("""{"type":"string"}""", (await _grain.GetSchemaAsync(1)).Text);
    }

    [Fact]
    public void Primitives_round_trip()
    {
        var registry = Registry;
        var random = new Random(15);
        for (var i = 0; i < 200; i++)
        {
            var s = new string((char)random.Next('a', 'z'), random.Next(0, 50));
            var n = random.Next(int.MinValue, int.MaxValue);
            var l = random.NextInt64(long.MinValue, long.MaxValue);
            var d = random.NextDouble() * 1e9;
            var bytes = new byte[random.Next(0, 40)];
            random.NextBytes(bytes);
            Assert.Equal(s, RoundTrip(registry, s));
            Assert.Equal(n, RoundTrip(registry, n));
            Assert.Equal(l, RoundTrip(registry, l));
            Assert.Equal(d, RoundTrip(registry, d));
            Assert.Equal((float)d, RoundTrip(registry, (float)d));
            Assert.Equal(i % 2 == 0, RoundTrip(registry, i % 2 == 0));
            Assert.Equal(bytes, RoundTrip(registry, bytes));
        }
    }

    [Fact]
    public void Generic_records_round_trip_and_register_their_schema_text_under_the_topic_subject()
    {
        var schema = (RecordSchema)Schema.Parse(OrderSchema);
        var serializer = new AvroSerializer<GenericRecord>(Registry, "orders");
        var deserializer = new AvroDeserializer<GenericRecord>(Registry);
        var record = new GenericRecord(schema);
        record.Add("id", 42);
        record.Add("customer", "Ada");

        var bytes = serializer.Serialize(record)!;
        var read = deserializer.Deserialize(bytes, isNull: false)!;

        Assert.Equal(new byte[] { 0, 0, 0, 0, 1, 84, 6, (byte)'A', (byte)'d', (byte)'a' }, bytes);
        Assert.Equal(42, read["id"]);
        Assert.Equal("Ada", read["customer"]);
        Assert.Equal(["orders-value"], _grain.Subjects);
    }

    [Fact]
    public void Specific_records_round_trip()
    {
        var registry = Registry;
        var payment = new Payment { Id = "p-1", Amount = 12.5, Quantity = 3 };
        var bytes = new AvroSerializer<Payment>(registry, "payments").Serialize(payment)!;
        var read = new AvroDeserializer<Payment>(registry).Deserialize(bytes, isNull: false)!;

        Assert.Equal(("p-1", 12.5, 3), (read.Id, read.Amount, read.Quantity));
    }

    [Fact]
    public void A_generic_record_written_with_one_schema_is_resolved_to_a_reader_schema()
    {
        var registry = Registry;
        var writer = (RecordSchema)Schema.Parse(OrderSchema);
        var reader = Schema.Parse(
            """{"type":"record","name":"Order","namespace":"com.example","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":"none"}]}""");
        var record = new GenericRecord(writer);
        record.Add("id", 7);
        record.Add("customer", "Bob");

        var bytes = new AvroSerializer<GenericRecord>(registry, "orders").Serialize(record)!;
        var read = new AvroDeserializer<GenericRecord>(registry, reader).Deserialize(bytes, isNull: false)!;

        Assert.Equal(7L, read["id"]);
        Assert.Equal("none", read["note"]);
        Assert.False(read.TryGetValue("customer", out _));
    }

    [Fact]
    public void An_int_written_is_read_as_a_long_by_promotion()
    {
        var registry = Registry;
        var bytes = new AvroSerializer<int>(registry, "t").Serialize(-5)!;
        Assert.Equal(-5L, new AvroDeserializer<long>(registry).Deserialize(bytes, isNull: false));
    }

    [Theory]
    [InlineData(SubjectNameStrategy.Topic, MessageComponent.Value, "orders-value")]
    [InlineData(SubjectNameStrategy.Topic, MessageComponent.Key, "orders-key")]
    [InlineData(SubjectNameStrategy.Record, MessageComponent.Value, "com.example.Order")]
    [InlineData(SubjectNameStrategy.TopicRecord, MessageComponent.Key, "orders-com.example.Order")]
    public void The_subject_follows_the_strategy(SubjectNameStrategy strategy, MessageComponent component, string subject)
    {
        var record = new GenericRecord((RecordSchema)Schema.Parse(OrderSchema));
        record.Add("id", 1);
        record.Add("customer", "c");
        new AvroSerializer<GenericRecord>(Registry, "orders", component, new AvroSerializerOptions { SubjectNameStrategy = strategy }).Serialize(record);

        Assert.Equal([subject], _grain.Subjects);
    }

    [Fact]
    public void A_schema_is_registered_once_per_serializer_not_per_record()
    {
        var schema = (RecordSchema)Schema.Parse(OrderSchema);
        var serializer = new AvroSerializer<GenericRecord>(Registry, "orders");
        for (var i = 0; i < 100; i++)
        {
            var record = new GenericRecord(schema);
            record.Add("id", i);
            record.Add("customer", $"c{i}");
            Assert.Equal(1, SchemaWireFormat.ReadSchemaId(serializer.Serialize(record)));
        }

        Assert.Equal(1, _grain.Calls);
    }

    [Fact]
    public async Task Without_auto_registration_an_unregistered_schema_is_refused_and_a_registered_one_is_found()
    {
        var options = new AvroSerializerOptions { AutoRegisterSchemas = false };
        await Assert.ThrowsAsync<OrleansLog.Schemas.SchemaRegistryException>(() => new AvroSerializer<string>(Registry, "t", options: options).InitializeAsync());

        var id = await Registry.RegisterSchemaAsync("t-value", new OrleansLog.Schemas.Schema("""{"type":"string"}"""));
        var bytes = await new AvroSerializer<string>(Registry, "t", options: options).SerializeAsync("x");
        Assert.Equal(id, SchemaWireFormat.ReadSchemaId(bytes));
    }

    [Fact]
    public async Task Use_latest_version_writes_with_the_subjects_latest_schema_id()
    {
        await Registry.RegisterSchemaAsync("t-value", new OrleansLog.Schemas.Schema("\"long\""));
        var latest = await Registry.RegisterSchemaAsync("t-value", new OrleansLog.Schemas.Schema("""{"type":"string"}"""));
        var bytes = new AvroSerializer<string>(Registry, "t", options: new AvroSerializerOptions { AutoRegisterSchemas = false, UseLatestVersion = true }).Serialize("x")!;
        Assert.Equal(latest, SchemaWireFormat.ReadSchemaId(bytes));
    }

    [Fact]
    public void Use_latest_version_with_auto_registration_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new AvroSerializer<string>(Registry, "t", options: new AvroSerializerOptions { UseLatestVersion = true }));
        Assert.Contains("AutoRegisterSchemas", error.Message);
    }

    [Fact]
    public void Null_values_are_null_records_both_ways()
    {
        Assert.Null(new AvroSerializer<string>(Registry, "t").Serialize(null));
        Assert.Null(new AvroDeserializer<GenericRecord>(Registry).Deserialize([], isNull: true));
        Assert.Equal(0, _grain.Calls);
    }

    [Fact]
    public void Unsupported_types_are_refused_at_construction()
    {
        var error = Assert.Throws<NotSupportedException>(() => new AvroSerializer<DateTime>(Registry, "t"));
        Assert.Contains("System.DateTime", error.Message);
    }

    [Fact]
    public void A_record_without_the_magic_byte_is_refused_before_the_registry_is_asked()
    {
        var error = Assert.Throws<SchemaSerializationException>(() => new AvroDeserializer<string>(Registry).Deserialize("{\"a\":1}"u8, isNull: false));
        Assert.Equal(ErrorCode.CorruptMessage, error.ErrorCode);
        Assert.Contains("0x7B", error.Message);
        Assert.Equal(0, _grain.Calls);
    }

    [Fact]
    public void A_truncated_payload_is_refused_naming_the_schema_id()
    {
        var bytes = new AvroSerializer<string>(Registry, "t").Serialize("hello")!;
        var error = Assert.Throws<SchemaSerializationException>(() => new AvroDeserializer<string>(Registry).Deserialize(bytes.AsSpan(0, bytes.Length - 2), isNull: false));
        Assert.Contains("schema id 1", error.Message);
    }

    [Fact]
    public async Task A_JSON_schema_id_is_refused_by_the_Avro_deserializer()
    {
        var id = await Registry.RegisterSchemaAsync("j-value", new OrleansLog.Schemas.Schema("{}", OrleansLog.Schemas.SchemaType.Json));
        var data = new byte[SchemaWireFormat.HeaderLength + 1];
        SchemaWireFormat.WriteHeader(data, id);
        var error = Assert.Throws<SchemaSerializationException>(() => new AvroDeserializer<string>(Registry).Deserialize(data, isNull: false));
        Assert.Contains("JSON", error.Message);
    }

    [Fact]
    public async Task A_record_whose_schema_references_other_subjects_is_written_with_the_latest_version_and_read_back()
    {
        // Customer references Address, which references Country: the chain Confluent's serializers resolve, depth first.
        var registry = Registry;
        await registry.RegisterSchemaAsync("country", new RegistrySchema(CountrySchema));
        await registry.RegisterSchemaAsync("address", new RegistrySchema(AddressSchema, references: [new("com.example.Country", "country", 1)]));
        var customerId = await registry.RegisterSchemaAsync(
            "customers-value",
            new RegistrySchema(CustomerSchema, references: [new("com.example.Address", "address", 1), new("com.example.Country", "country", 1)]));

        var schema = (RecordSchema)Schema.Parse(Inlined);
        var customer = Customer(schema, "Ada", "London", "GB");
        var bytes = await new AvroSerializer<GenericRecord>(registry, "customers", options: new AvroSerializerOptions { AutoRegisterSchemas = false, UseLatestVersion = true })
            .SerializeAsync(customer);
        Assert.Equal(customerId, SchemaWireFormat.ReadSchemaId(bytes));

        var read = new AvroDeserializer<GenericRecord>(Registry).Deserialize(bytes, isNull: false)!;
        Assert.Equal("Ada", read["name"]);
        var home = (GenericRecord)read["home"];
        Assert.Equal("London", home["city"]);
        Assert.Equal("GB", ((GenericRecord)home["country"])["code"]);
        Assert.Equal("GB", ((GenericRecord)read["citizenship"])["code"]);
    }

    [Fact]
    public async Task A_reference_to_a_schema_that_is_not_Avro_is_refused_naming_the_reference()
    {
        var registry = Registry;
        await registry.RegisterSchemaAsync("country", new RegistrySchema("{}", OrleansLog.Schemas.SchemaType.Json));
        var id = await registry.RegisterSchemaAsync("address-value", new RegistrySchema(AddressSchema, references: [new("com.example.Country", "country", 1)]));
        var data = new byte[SchemaWireFormat.HeaderLength + 1];
        SchemaWireFormat.WriteHeader(data, id);

        var error = Assert.Throws<SchemaSerializationException>(() => new AvroDeserializer<GenericRecord>(registry).Deserialize(data, isNull: false));
        Assert.Equal(ErrorCode.InvalidRecord, error.ErrorCode);
        Assert.Contains($"Schema id {id} references country version 1 ('com.example.Country'), which is a JSON schema", error.Message);
    }

    [Fact]
    public async Task A_schema_whose_reference_is_missing_does_not_parse_and_says_so()
    {
        var registry = Registry;
        var id = await registry.RegisterSchemaAsync("address-value", new RegistrySchema(AddressSchema));
        var data = new byte[SchemaWireFormat.HeaderLength + 1];
        SchemaWireFormat.WriteHeader(data, id);

        var error = Assert.Throws<SchemaSerializationException>(() => new AvroDeserializer<GenericRecord>(registry).Deserialize(data, isNull: false));
        Assert.Contains($"Schema id {id} does not parse as Avro", error.Message);
        Assert.Contains("Undefined name: Country", error.Message);
    }

    [Fact]
    public async Task A_corrupt_payload_is_refused_as_corrupt_whatever_Avro_trips_on()
    {
        var id = await Registry.RegisterSchemaAsync("u-value", new RegistrySchema("""["null","string"]"""));
        var data = new byte[SchemaWireFormat.HeaderLength + 1];
        SchemaWireFormat.WriteHeader(data, id);
        data[^1] = 6; // union branch 3 of a two-branch union

        var error = Assert.Throws<SchemaSerializationException>(() => new AvroDeserializer<GenericRecord>(Registry).Deserialize(data, isNull: false));
        Assert.Equal(ErrorCode.CorruptMessage, error.ErrorCode);
        Assert.Contains($"writer schema id {id}", error.Message);
    }

    [Fact]
    public void A_value_that_does_not_fit_a_logical_type_is_refused_as_an_invalid_record()
    {
        var schema = (RecordSchema)Schema.Parse(
            """{"type":"record","name":"Price","fields":[{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}}]}""");
        var price = new GenericRecord(schema);
        price.Add("amount", 12.34m); // Avro's generic writer wants an AvroDecimal

        var error = Assert.Throws<SchemaSerializationException>(() => new AvroSerializer<GenericRecord>(Registry, "prices").Serialize(price));
        Assert.Equal(ErrorCode.InvalidRecord, error.ErrorCode);
    }

    [Fact]
    public void Records_of_schemas_parsed_again_for_each_record_share_one_writer_and_one_registration()
    {
        var serializer = new AvroSerializer<GenericRecord>(Registry, "orders");
        for (var i = 0; i < 50; i++)
        {
            var record = new GenericRecord((RecordSchema)Schema.Parse(OrderSchema));
            record.Add("id", i);
            record.Add("customer", "c");
            Assert.Equal(1, SchemaWireFormat.ReadSchemaId(serializer.Serialize(record)));
        }

        Assert.Equal(1, _grain.Calls);
    }

    private static T? RoundTrip<T>(SchemaRegistryClient registry, T value) =>
        new AvroDeserializer<T>(registry).Deserialize(new AvroSerializer<T>(registry, "primitives-" + typeof(T).Name).Serialize(value), isNull: false);

    private const string CountrySchema = """{"type":"record","name":"Country","namespace":"com.example","fields":[{"name":"code","type":"string"}]}""";

    private const string AddressSchema =
        """{"type":"record","name":"Address","namespace":"com.example","fields":[{"name":"city","type":"string"},{"name":"country","type":"Country"}]}""";

    private const string CustomerSchema =
        """{"type":"record","name":"Customer","namespace":"com.example","fields":[{"name":"name","type":"string"},{"name":"home","type":"Address"},{"name":"citizenship","type":"Country"}]}""";

    // What a producer holds: the customer schema with its referenced types written inline, as Apache.Avro prints a parsed schema.
    private const string Inlined =
        """{"type":"record","name":"Customer","namespace":"com.example","fields":[{"name":"name","type":"string"},{"name":"home","type":{"type":"record","name":"Address","fields":[{"name":"city","type":"string"},{"name":"country","type":{"type":"record","name":"Country","fields":[{"name":"code","type":"string"}]}}]}},{"name":"citizenship","type":"Country"}]}""";

    private static GenericRecord Customer(RecordSchema schema, string name, string city, string country)
    {
        var home = new GenericRecord((RecordSchema)schema["home"].Schema);
        var nation = new GenericRecord((RecordSchema)home.Schema["country"].Schema);
        nation.Add("code", country);
        home.Add("city", city);
        home.Add("country", nation);
        var customer = new GenericRecord(schema);
        customer.Add("name", name);
        customer.Add("home", home);
        customer.Add("citizenship", nation);
        return customer;
    }
}
