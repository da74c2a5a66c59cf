using System.Text;
using System.Text.Json;
using OrleansLog.Client.Schemas;
using ErrorCode = OrleansLog.Errors.ErrorCode;

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
        Assert.Equal(new Order(42, "Ada"), new JsonSchemaDeserializer<Order>(CamelCase).Deserialize(bytes, isNull: false));
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
}
