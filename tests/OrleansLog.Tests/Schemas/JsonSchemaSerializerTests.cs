using System.Text;
using System.Text.Json;
using OrleansLog.Client.Schemas;
using ErrorCode = OrleansLog.Errors.ErrorCode;
using RegistrySchema = OrleansLog.Schemas.Schema;

namespace OrleansLog.Tests.Schemas;

public sealed class JsonSchemaSerializerTests
{
    private const string OrderSchema =
        """{"$schema":"http://json-schema.org/draft-07/schema#","title":"Order","type":"object","properties":{"id":{"type":"integer"},"customer":{"type":"string"}},"required":["id","customer"]}""";

    private static readonly JsonSerializerOptions CamelCase = new(JsonSerializerDefaults.Web);

    private readonly InMemorySchemaRegistryGrain _grain = new();

    public sealed record Order(int Id, string Customer);

    private SchemaRegistryClient Registry => new(_grain);

    [Fact]
    public void Values_are_framed_UTF8_JSON_and_round_trip()
    {
        var serializer = new JsonSchemaSerializer<Order>(Registry, "orders", options: new() { Schema = OrderSchema, SerializerOptions = CamelCase });
        var bytes = serializer.Serialize(new Order(42, "Ada"))!;

        Assert.Equal(new byte[] { 0, 0, 0, 0, 1 }, bytes[..5]);
        Assert.Equal("""{"id":42,"customer":"Ada"}""", Encoding.UTF8.GetString(bytes, 5, bytes.Length - 5));
        Assert.Equal(new Order(42, "Ada"), new JsonSchemaDeserializer<Order>(serializerOptions: CamelCase).Deserialize(bytes, isNull: false));
        Assert.Equal(["orders-value"], _grain.Subjects);
    }

    [Fact]
    public async Task The_given_schema_is_registered_as_a_JSON_schema_under_its_title_with_the_record_strategy()
    {
        var serializer = new JsonSchemaSerializer<Order>(
            Registry, "orders", options: new() { Schema = OrderSchema, SerializerOptions = CamelCase, SubjectNameStrategy = SubjectNameStrategy.Record });
        await serializer.InitializeAsync();

        Assert.Equal(["Order"], _grain.Subjects);
        var registered = await _grain.GetSchemaAsync(1);
        Assert.Equal(OrleansLog.Schemas.SchemaType.Json, registered.Type);
        Assert.Equal(OrderSchema, registered.Text);
    }

    [Fact]
    public async Task Without_a_schema_one_is_generated_from_the_type()
    {
        var serializer = new JsonSchemaSerializer<Order>(Registry, "orders", options: new() { SerializerOptions = CamelCase });
        var bytes = (await serializer.SerializeAsync(new Order(1, "c")))!;

        var registered = await _grain.GetSchemaAsync(SchemaWireFormat.ReadSchemaId(bytes));
        using var document = JsonDocument.Parse(registered.Text);
        var properties = document.RootElement.GetProperty("properties");
        Assert.True(properties.TryGetProperty("id", out _));
        Assert.True(properties.TryGetProperty("customer", out _));
    }

    [Fact]
    public void A_value_that_does_not_conform_is_refused_naming_the_schema()
    {
        // PascalCase names do not satisfy the schema's required camelCase properties.
        var serializer = new JsonSchemaSerializer<Order>(Registry, "orders", options: new() { Schema = OrderSchema });
        var error = Assert.Throws<SchemaSerializationException>(() => serializer.Serialize(new Order(1, "c")));
        Assert.Equal(ErrorCode.InvalidRecord, error.ErrorCode);
        Assert.Contains("JSON Schema id 1", error.Message);

        var unchecked_ = new JsonSchemaSerializer<Order>(Registry, "orders", options: new() { Schema = OrderSchema, Validate = false });
        Assert.NotNull(unchecked_.Serialize(new Order(1, "c")));
    }

    [Fact]
    public void A_record_without_the_magic_byte_is_refused()
    {
        var error = Assert.Throws<SchemaSerializationException>(() => new JsonSchemaDeserializer<Order>().Deserialize("{\"id\":1}"u8, isNull: false));
        Assert.Contains("0x7B", error.Message);
    }

    [Fact]
    public void Null_values_are_null_records_both_ways()
    {
        Assert.Null(new JsonSchemaSerializer<Order>(Registry, "orders").Serialize(null));
        Assert.Null(new JsonSchemaDeserializer<Order>().Deserialize([], isNull: true));
    }

    [Fact]
    public async Task With_a_registry_the_deserializer_refuses_a_payload_that_does_not_conform_to_the_writers_schema()
    {
        var id = await Registry.RegisterSchemaAsync("orders-value", new RegistrySchema(OrderSchema, OrleansLog.Schemas.SchemaType.Json));
        var conforming = Framed(id, """{"id":7,"customer":"Ada"}""");
        var wrong = Framed(id, """{"id":"seven"}""");

        Assert.Equal(new Order(7, "Ada"), new JsonSchemaDeserializer<Order>(Registry, CamelCase).Deserialize(conforming, isNull: false));
        var error = Assert.Throws<SchemaSerializationException>(() => new JsonSchemaDeserializer<Order>(Registry, CamelCase).Deserialize(wrong, isNull: false));
        Assert.Equal(ErrorCode.InvalidRecord, error.ErrorCode);
        Assert.Contains($"does not conform to JSON Schema id {id}", error.Message);

        // Without a registry nothing is checked (or asked): the payload is read as it is.
        var calls = _grain.Calls;
        Assert.Equal(new Order(0, null!), new JsonSchemaDeserializer<Order>(serializerOptions: CamelCase).Deserialize(Framed(id, """{"customer":null}"""), isNull: false));
        Assert.Equal(calls, _grain.Calls);
    }

    [Fact]
    public async Task Schemas_that_reference_other_subjects_validate_and_write_with_the_latest_version()
    {
        // customer.json refers to address.json, which refers to common/country.json: each by the name it was registered with.
        var registry = Registry;
        await registry.RegisterSchemaAsync("country", new RegistrySchema(CountrySchema, OrleansLog.Schemas.SchemaType.Json));
        await registry.RegisterSchemaAsync(
            "address", new RegistrySchema(AddressSchema, OrleansLog.Schemas.SchemaType.Json, [new("common/country.json", "country", 1)]));
        var id = await registry.RegisterSchemaAsync(
            "customers-value", new RegistrySchema(CustomerSchema, OrleansLog.Schemas.SchemaType.Json, [new("address.json", "address", 1)]));

        var serializer = new JsonSchemaSerializer<Customer>(
            registry, "customers", options: new() { AutoRegisterSchemas = false, UseLatestVersion = true, SerializerOptions = CamelCase });
        var bytes = (await serializer.SerializeAsync(new Customer("Ada", new Address("London", "GB"))))!;
        Assert.Equal(id, SchemaWireFormat.ReadSchemaId(bytes));
        Assert.Equal(new Customer("Ada", new Address("London", "GB")), new JsonSchemaDeserializer<Customer>(registry, CamelCase).Deserialize(bytes, isNull: false));

        // The referenced schemas are enforced: a country code of three letters breaks common/country.json's pattern, two levels down.
        var error = await Assert.ThrowsAsync<SchemaSerializationException>(async () => await serializer.SerializeAsync(new Customer("Bo", new Address("Oslo", "NOR"))));
        Assert.Equal(ErrorCode.InvalidRecord, error.ErrorCode);
        var wrong = Framed(id, """{"name":"Bo","home":{"city":"Oslo","country":"NOR"}}""");
        Assert.Throws<SchemaSerializationException>(() => new JsonSchemaDeserializer<Customer>(registry, CamelCase).Deserialize(wrong, isNull: false));
    }

    [Fact]
    public async Task A_ref_that_names_no_reference_is_refused_with_the_names_there_are()
    {
        var id = await Registry.RegisterSchemaAsync("customers-value", new RegistrySchema(CustomerSchema, OrleansLog.Schemas.SchemaType.Json));

        var error = Assert.Throws<SchemaSerializationException>(
            () => new JsonSchemaDeserializer<Customer>(Registry, CamelCase).Deserialize(Framed(id, """{"name":"Ada"}"""), isNull: false));
        Assert.Equal(ErrorCode.InvalidRecord, error.ErrorCode);
        Assert.Contains($"Schema id {id} is not a JSON Schema document NJsonSchema can read", error.Message);
        Assert.Contains("$ref 'address.json' names none of the schema's references (it has none)", error.Message);
    }

    [Fact]
    public async Task An_Avro_schema_id_is_refused_by_the_validating_deserializer()
    {
        var id = await Registry.RegisterSchemaAsync("orders-value", new RegistrySchema("\"string\""));
        var error = Assert.Throws<SchemaSerializationException>(() => new JsonSchemaDeserializer<Order>(Registry).Deserialize(Framed(id, "{}"), isNull: false));
        Assert.Contains($"Schema id {id} is a AVRO schema, not JSON", error.Message);
    }

    [Fact]
    public async Task One_referenced_version_may_be_named_differently_by_two_schemas()
    {
        // customer.json names the address "address.json"; the order schema names the same version "addr.json" and references customer.json.
        var registry = Registry;
        await registry.RegisterSchemaAsync("country", new RegistrySchema(CountrySchema, OrleansLog.Schemas.SchemaType.Json));
        await registry.RegisterSchemaAsync(
            "address", new RegistrySchema(AddressSchema, OrleansLog.Schemas.SchemaType.Json, [new("common/country.json", "country", 1)]));
        await registry.RegisterSchemaAsync(
            "customer", new RegistrySchema(CustomerSchema, OrleansLog.Schemas.SchemaType.Json, [new("address.json", "address", 1)]));
        const string OrderWithCustomer =
            """{"type":"object","properties":{"buyer":{"$ref":"customer.json"},"shipTo":{"$ref":"addr.json"}},"required":["buyer","shipTo"]}""";
        var id = await registry.RegisterSchemaAsync(
            "orders-value", new RegistrySchema(OrderWithCustomer, OrleansLog.Schemas.SchemaType.Json, [new("customer.json", "customer", 1), new("addr.json", "address", 1)]));

        var payload = Framed(id, """{"buyer":{"name":"Ada","home":{"city":"London","country":"GB"}},"shipTo":{"city":"Leeds","country":"GB"}}""");
        var read = new JsonSchemaDeserializer<JsonElement>(registry).Deserialize(payload, isNull: false);
        Assert.Equal("Leeds", read.GetProperty("shipTo").GetProperty("city").GetString());
        var wrong = Framed(id, """{"buyer":{"name":"Ada"},"shipTo":{"city":"Leeds","country":"gb"}}""");
        Assert.Throws<SchemaSerializationException>(() => new JsonSchemaDeserializer<JsonElement>(registry).Deserialize(wrong, isNull: false));
    }

    [Fact]
    public void The_serializer_options_encoder_and_indentation_decide_the_bytes_written()
    {
        var relaxed = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var plain = new JsonSchemaSerializer<Order>(Registry, "orders", options: new() { Schema = OrderSchema, SerializerOptions = CamelCase });
        var raw = new JsonSchemaSerializer<Order>(Registry, "orders", options: new() { Schema = OrderSchema, SerializerOptions = relaxed });

        // One thread, both serializers in turn: each writes with its own options.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("""{"id":1,"customer":"caf\u00E9 \u003Cb\u003E"}""", Encoding.UTF8.GetString(plain.Serialize(new Order(1, "café <b>"))!.AsSpan(5)));
            Assert.Equal("""{"id":1,"customer":"café <b>"}""", Encoding.UTF8.GetString(raw.Serialize(new Order(1, "café <b>"))!.AsSpan(5)));
        }
    }

    private const string CountrySchema = """{"$schema":"http://json-schema.org/draft-07/schema#","type":"string","pattern":"^[A-Z]{2}$"}""";

    private const string AddressSchema =
        """{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"city":{"type":"string"},"country":{"$ref":"common/country.json"}},"required":["city","country"]}""";

    private const string CustomerSchema =
        """{"$schema":"http://json-schema.org/draft-07/schema#","title":"Customer","type":"object","properties":{"name":{"type":"string"},"home":{"$ref":"address.json"}},"required":["name"]}""";

    public sealed record Address(string City, string Country);

    public sealed record Customer(string Name, Address Home);

    private static byte[] Framed(int id, string json)
    {
        var payload = Encoding.UTF8.GetBytes(json);
        var data = new byte[SchemaWireFormat.HeaderLength + payload.Length];
        SchemaWireFormat.WriteHeader(data, id);
        payload.CopyTo(data, SchemaWireFormat.HeaderLength);
        return data;
    }
}
