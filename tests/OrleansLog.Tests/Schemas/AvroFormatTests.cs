using OrleansLog.Schemas;
using AvroSchema = Avro.Schema;

namespace OrleansLog.Tests.Schemas;

public sealed class AvroFormatTests
{
    private static readonly AvroFormat s_format = new();

    private const string Address = """{"type":"record","name":"Address","namespace":"shop.common","fields":[{"name":"zip","type":"string"}]}""";

    private static ParsedSchema Parse(string text, params ResolvedReference[] references) => s_format.Parse(text, references);

    private static SchemaRegistryException ParseFails(string text, params ResolvedReference[] references)
    {
        var error = Assert.Throws<SchemaRegistryException>(() => Parse(text, references));
        Assert.Equal(SchemaRegistryException.Codes.InvalidSchema, error.RegistryErrorCode);
        return error;
    }

    [Fact]
    public void Canonical_form_is_the_compact_text_with_docs_defaults_logical_types_and_custom_properties_kept()
    {
        const string text = """
            {
              "type": "record", "name": "Order", "namespace": "shop", "doc": "An order", "owner": "sales",
              "fields": [
                { "name": "at", "type": { "type": "long", "logicalType": "timestamp-millis" }, "default": 0 },
                { "name": "total", "type": { "type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2 } },
                { "name": "note", "type": ["null", "string"], "default": null, "doc": "für dich" }
              ]
            }
            """;

        Assert.Equal(
            """{"type":"record","name":"Order","namespace":"shop","doc":"An order","owner":"sales","fields":[{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"},"default":0},{"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},{"name":"note","type":["null","string"],"default":null,"doc":"für dich"}]}""",
            Parse(text).Canonical);
        Assert.Equal(SchemaType.Avro, Parse(text).Type);
    }

    [Fact]
    public void Canonical_form_ignores_whitespace()
    {
        string compact = """{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""";
        string spaced = "\n {\n\t\"type\" : \"record\",  \"name\":\"R\",\r\n \"fields\" : [ { \"name\" : \"a\" , \"type\" : \"int\" } ] }  \n";

        Assert.Equal(compact, Parse(spaced).Canonical);
        Assert.Equal(Parse(compact).Canonical, Parse(spaced).Canonical);
    }

    [Fact]
    public void Canonical_form_keeps_key_order_but_normalized_form_does_not()
    {
        var nameFirst = Parse("""{"name":"R","type":"record","fields":[{"type":"int","name":"a"}]}""");
        var typeFirst = Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}""");

        Assert.NotEqual(nameFirst.Canonical, typeFirst.Canonical);
        Assert.Equal(typeFirst.Normalized, nameFirst.Normalized);
        Assert.Equal("""{"name":"R","type":"record","fields":[{"name":"a","type":"int"}]}""", nameFirst.Normalized);
    }

    [Fact]
    public void Normalization_makes_a_primitive_type_object_equal_its_name()
    {
        Assert.Equal("\"int\"", Parse("""{"type":"int"}""").Normalized);
        Assert.Equal(Parse("\"int\"").Normalized, Parse("""{"type":"int"}""").Normalized);
        Assert.Equal(
            Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":{"type":"array","items":"string"}}]}""").Normalized,
            Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"int"}},{"name":"b","type":{"type":"array","items":{"type":"string"}}}]}""").Normalized);
    }

    [Fact]
    public void Normalization_keeps_primitive_objects_that_carry_a_logical_type_or_a_custom_property()
    {
        Assert.Equal("""{"type":"long","logicalType":"timestamp-millis"}""", Parse("""{"logicalType":"timestamp-millis","type":"long"}""").Normalized);
        Assert.Equal("""{"type":"string","avro.java.string":"String"}""", Parse("""{"type":"string","avro.java.string":"String"}""").Normalized);
    }

    [Fact]
    public void Normalization_resolves_namespaces_to_full_names()
    {
        var shortNames = Parse("""
            {"type":"record","name":"Order","namespace":"shop","aliases":["Purchase"],"fields":[
              {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}},
              {"name":"previous","type":["null","Status"],"default":null}]}
            """);
        var fullNames = Parse("""
            {"type":"record","name":"shop.Order","aliases":["shop.Purchase"],"fields":[
              {"name":"status","type":{"type":"enum","name":"shop.Status","symbols":["NEW","PAID"]}},
              {"name":"previous","type":["null","shop.Status"],"default":null}]}
            """);

        Assert.NotEqual(shortNames.Canonical, fullNames.Canonical);
        Assert.Equal(fullNames.Normalized, shortNames.Normalized);
        Assert.Equal(
            """{"name":"shop.Order","type":"record","fields":[{"name":"status","type":{"name":"shop.Status","type":"enum","symbols":["NEW","PAID"]}},{"name":"previous","type":["null","shop.Status"],"default":null}],"aliases":["shop.Purchase"]}""",
            shortNames.Normalized);
    }

    [Fact]
    public void Normalization_drops_the_default_field_order_and_empty_aliases_and_sorts_aliases()
    {
        var explicitDefaults = Parse("""{"type":"record","name":"R","aliases":[],"fields":[{"name":"a","type":"int","order":"ascending","aliases":["y","x"]}]}""");
        var plain = Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","aliases":["x","y"]}]}""");

        Assert.Equal(plain.Normalized, explicitDefaults.Normalized);
        Assert.Equal("""{"name":"R","type":"record","fields":[{"name":"a","type":"int","aliases":["x","y"]}]}""", plain.Normalized);
        Assert.Contains("\"order\":\"descending\"", Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"descending"}]}""").Normalized, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"record","name":"Node","namespace":"list","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Node"],"default":null}]}""")]
    [InlineData("""{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"sku","type":{"type":"string"}},{"name":"hash","type":{"type":"fixed","name":"Hash","size":16}}]}}},{"name":"attributes","type":{"type":"map","values":"Line"}},{"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}}]}""")]
    public void Normalized_form_is_an_equivalent_schema_and_normalizing_it_again_changes_nothing(string text)
    {
        var parsed = Parse(text);
        var again = Parse(parsed.Normalized);

        Assert.Equal(parsed.Normalized, again.Normalized);
        Assert.Equal(Avro.SchemaNormalization.ToParsingForm(AvroSchema.Parse(text)), Avro.SchemaNormalization.ToParsingForm(AvroSchema.Parse(parsed.Normalized)));
        Assert.Empty(parsed.ReadProblems(again));
        Assert.Empty(again.ReadProblems(parsed));
    }

    [Fact]
    public void A_record_may_use_a_type_defined_in_a_reference_and_keeps_it_as_a_name()
    {
        const string order = """{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"shipTo","type":"shop.common.Address"}]}""";

        var parsed = Parse(order, new ResolvedReference("shop.common.Address", Address));

        Assert.Equal(order, parsed.Canonical);
        Assert.Contains("\"type\":\"shop.common.Address\"", parsed.Normalized, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reference_may_use_the_types_of_the_references_before_it()
    {
        const string customer = """{"type":"record","name":"Customer","namespace":"shop.common","fields":[{"name":"home","type":"Address"}]}""";
        const string order = """{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"by","type":"shop.common.Customer"},{"name":"to","type":"shop.common.Address"}]}""";

        var parsed = Parse(order, new ResolvedReference("shop.common.Address", Address), new ResolvedReference("shop.common.Customer", customer));

        Assert.Equal(order, parsed.Canonical);
    }

    [Fact]
    public void A_schema_that_is_only_the_name_of_a_referenced_type_parses()
    {
        var parsed = Parse("\"shop.common.Address\"", new ResolvedReference("shop.common.Address", Address));

        Assert.Equal("\"shop.common.Address\"", parsed.Normalized);
    }

    [Fact]
    public void An_unresolved_name_is_an_invalid_schema_that_names_it()
    {
        var error = ParseFails("""{"type":"record","name":"Order","fields":[{"name":"shipTo","type":"shop.common.Address"}]}""");

        Assert.Contains("shop.common.Address", error.Message, StringComparison.Ordinal);
        Assert.Equal(422, error.HttpStatus);
        Assert.Contains("shop.common.Missing", ParseFails("\"shop.common.Missing\"").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"shop.common.Missing"}""")]
    [InlineData("""{"type":"record","name":"Order","fields":[{"name":"shipTo","type":{"type":"shop.common.Missing"}}]}""")]
    [InlineData("""{"type":"record","name":"Order","fields":[{"name":"shipTo","type":["null","shop.common.Missing"]}]}""")]
    [InlineData("""{"type":"record","name":"Order","fields":[{"name":"lines","type":{"type":"array","items":"shop.common.Missing"}}]}""")]
    public void An_unresolved_name_in_any_position_is_an_invalid_schema_that_names_it(string text)
    {
        Assert.Contains("shop.common.Missing", ParseFails(text, new ResolvedReference("shop.common.Address", Address)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"record","name":"R",""")]
    [InlineData("""{'type':'int'}""")]
    [InlineData("not json")]
    [InlineData("")]
    public void Text_that_is_not_json_is_an_invalid_schema(string text)
    {
        Assert.Contains("not valid JSON", ParseFails(text).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a"}]}""", "'type' was not found")]
    [InlineData("""{"type":"record","fields":[]}""", "name")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A","A"]}""", "Duplicate symbol")]
    [InlineData("""{"type":"fixed","name":"1F","size":4}""", "Invalid schema name")]
    [InlineData("""{"type":"array"}""", "items")]
    [InlineData("""["int","int"]""", "Duplicate type in union")]
    [InlineData("""{"type":"banana"}""", "banana")]
    [InlineData("""{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"banana"}}]}""", "banana")]
    [InlineData("""{"type":"bytes","logicalType":"decimal","precision":2,"scale":5}""", "scale")]
    [InlineData("42", "JSON Number")]
    [InlineData("null", "JSON Null")]
    public void Text_that_is_not_an_avro_schema_is_an_invalid_schema_with_avros_reason(string text, string reason)
    {
        Assert.Contains(reason, ParseFails(text).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"int\"", "\"x\"")]
    [InlineData("\"int\"", "null")]
    [InlineData("\"int\"", "3000000000")]
    [InlineData("\"string\"", "1")]
    [InlineData("""["null","string"]""", "1")]
    [InlineData("""{"type":"enum","name":"E","symbols":["A"]}""", "\"B\"")]
    [InlineData("""{"type":"array","items":"int"}""", "[1,\"two\"]")]
    [InlineData("""{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}""", "{}")]
    public void A_default_that_is_not_a_value_of_its_field_type_is_an_invalid_schema_naming_the_field(string type, string defaultValue)
    {
        var error = ParseFails($$"""{"type":"record","name":"Order","fields":[{"name":"f","type":{{type}},"default":{{defaultValue}}}]}""");

        Assert.Contains("'Order.f'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"long\"", "3000000000")]
    [InlineData("\"double\"", "1.5")]
    [InlineData("\"float\"", "\"NaN\"")]
    [InlineData("\"bytes\"", "\"\\u00ff\"")]
    [InlineData("""["null","string"]""", "null")]
    [InlineData("""["string","null"]""", "null")]
    [InlineData("""{"type":"map","values":"int"}""", """{"a":1}""")]
    [InlineData("""{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"},{"name":"y","type":"int","default":0}]}""", """{"x":1}""")]
    public void A_default_of_the_field_type_is_accepted(string type, string defaultValue)
    {
        var parsed = Parse($$"""{"type":"record","name":"Order","fields":[{"name":"f","type":{{type}},"default":{{defaultValue}}}]}""");

        Assert.Contains("\"default\":", parsed.Canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Redefining_a_type_from_a_reference_is_an_invalid_schema()
    {
        var error = ParseFails(Address, new ResolvedReference("shop.common.Address", Address));

        Assert.Contains("shop.common.Address", error.Message, StringComparison.Ordinal);
    }
}
