using OrleansLog.Schemas;

namespace OrleansLog.Tests.Schemas;

public sealed class JsonSchemaFormatTests
{
    private static readonly JsonSchemaFormat s_format = new();

    private static ParsedSchema Parse(string text, params ResolvedReference[] references) => s_format.Parse(text, references);

    private static IReadOnlyList<string> Problems(string reader, string writer) => Parse(reader).ReadProblems(Parse(writer));

    private static void AssertInvalid(string text, string expected, params ResolvedReference[] references)
    {
        var error = Assert.Throws<SchemaRegistryException>(() => Parse(text, references));
        Assert.Equal(SchemaRegistryException.Codes.InvalidSchema, error.RegistryErrorCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static void AssertProblem(string reader, string writer, string expected)
    {
        var problems = Problems(reader, writer);
        Assert.Contains(problems, problem => problem.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Canonical_removes_whitespace_and_keeps_key_order()
    {
        var schema = Parse("""
            {
              "type" : "object",
              "properties" : { "b" : { "type" : "string" }, "a" : { "type" : "integer", "maximum": 1.50 } }
            }
            """);

        Assert.Equal("""{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer","maximum":1.50}}}""", schema.Canonical);
        Assert.Equal(Parse("""{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer","maximum":1.50}}}""").Canonical, schema.Canonical);
    }

    [Fact]
    public void Canonical_keeps_non_ascii_text_unescaped()
    {
        Assert.Equal("""{"title":"Größe <1>"}""", Parse("""{ "title": "Größe <1>" }""").Canonical);
    }

    [Fact]
    public void Normalized_sorts_keys_at_every_level()
    {
        var first = Parse("""{"type":"object","properties":{"b":{"type":"string","maxLength":3},"a":{"type":"integer"}}}""");
        var second = Parse("""{"properties":{"a":{"type":"integer"},"b":{"maxLength":3,"type":"string"}},"type":"object"}""");

        Assert.NotEqual(first.Canonical, second.Canonical);
        Assert.Equal(first.Normalized, second.Normalized);
        Assert.Equal("""{"properties":{"a":{"type":"integer"},"b":{"maxLength":3,"type":"string"}},"type":"object"}""", first.Normalized);
    }

    [Fact]
    public void Boolean_schemas_parse()
    {
        Assert.Equal("true", Parse("true").Canonical);
        Assert.Equal("false", Parse(" false ").Canonical);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object or boolean")]
    [InlineData("\"string\"", "must be a JSON object or boolean")]
    [InlineData("null", "must be a JSON object or boolean")]
    [InlineData("""{"type":"text"}""", "'text' is not a JSON Schema type")]
    [InlineData("""{"type":["string","string"]}""", "lists 'string' twice")]
    [InlineData("""{"type":[]}""", "non-empty array of type names")]
    [InlineData("""{"type":5}""", "'type' must be a type name")]
    [InlineData("""{"properties":[]}""", "'properties' must be an object of schemas")]
    [InlineData("""{"properties":{"a":5}}""", "#/properties/a")]
    [InlineData("""{"required":"a"}""", "'required' must be an array of property names")]
    [InlineData("""{"required":[1]}""", "'required' must be an array of property names")]
    [InlineData("""{"maxLength":-1}""", "'maxLength' must be a non-negative integer")]
    [InlineData("""{"minItems":1.5}""", "'minItems' must be a non-negative integer")]
    [InlineData("""{"maximum":"10"}""", "'maximum' must be a number")]
    [InlineData("""{"multipleOf":0}""", "'multipleOf' must be a number greater than 0")]
    [InlineData("""{"pattern":"(unclosed"}""", "not a valid regular expression")]
    [InlineData("""{"patternProperties":{"[":{}}}""", "not a valid regular expression")]
    [InlineData("""{"enum":"a"}""", "'enum' must be an array")]
    [InlineData("""{"anyOf":[]}""", "'anyOf' must hold at least one schema")]
    [InlineData("""{"items":[{"type":"string"}, 3]}""", "#/items/1")]
    [InlineData("""{"additionalProperties":"no"}""", "#/additionalProperties")]
    [InlineData("""{"uniqueItems":"yes"}""", "'uniqueItems' must be a boolean")]
    [InlineData("""{"a":1,"a":2}""", "not valid JSON")]
    public void Invalid_documents_are_refused_with_42201(string text, string expected) => AssertInvalid(text, expected);

    [Fact]
    public void An_unresolvable_ref_is_refused_naming_it()
    {
        AssertInvalid("""{"properties":{"a":{"$ref":"#/definitions/missing"}}}""", "$ref '#/definitions/missing' does not resolve");
        AssertInvalid("""{"properties":{"a":{"$ref":"address.json"}}}""", "add a reference named 'address.json'");
    }

    [Fact]
    public void Local_refs_resolve_to_definitions_and_defs()
    {
        var schema = Parse("""
            {"type":"object","properties":{"a":{"$ref":"#/definitions/A"},"b":{"$ref":"#/$defs/B"}},
             "definitions":{"A":{"type":"string"}},"$defs":{"B":{"type":"integer"}}}
            """);

        Assert.StartsWith("{\"type\":\"object\"", schema.Canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Refs_resolve_to_referenced_documents_and_their_definitions()
    {
        var address = new ResolvedReference("address.json", """{"type":"object","properties":{"zip":{"type":"string"}},"definitions":{"Country":{"type":"string","maxLength":2}}}""");
        var writer = Parse("""{"type":"object","properties":{"home":{"$ref":"address.json"},"country":{"$ref":"address.json#/definitions/Country"}}}""", address);
        var narrowed = new ResolvedReference("address.json", """{"type":"object","properties":{"zip":{"type":"integer"}},"definitions":{"Country":{"type":"string","maxLength":1}}}""");
        var reader = Parse("""{"type":"object","properties":{"home":{"$ref":"address.json"},"country":{"$ref":"address.json#/definitions/Country"}}}""", narrowed);

        Assert.Empty(writer.ReadProblems(writer));
        var problems = reader.ReadProblems(writer);
        Assert.Contains("#/properties/home/properties/zip/type: type changed from string to integer", problems);
        Assert.Contains("#/properties/country/maxLength: maxLength decreased from 2 to 1", problems);
    }

    [Fact]
    public void Refs_by_absolute_url_resolve_against_the_schemas_id()
    {
        var address = new ResolvedReference("https://example.com/address.json", """{"type":"object"}""");

        var schema = Parse("""{"$id":"https://example.com/person.json","properties":{"a":{"$ref":"address.json"},"b":{"$ref":"https://example.com/address.json#"}}}""", address);

        Assert.Empty(schema.ReadProblems(schema));
    }

    [Fact]
    public void A_ref_inside_a_referenced_document_resolves_in_that_document()
    {
        var address = new ResolvedReference("address.json", """{"properties":{"zip":{"$ref":"#/definitions/Zip"}},"definitions":{"Zip":{"type":"string"}}}""");

        var schema = Parse("""{"properties":{"home":{"$ref":"address.json"}}}""", address);

        Assert.Empty(schema.ReadProblems(schema));
    }

    [Fact]
    public void Recursive_schemas_compare_without_looping()
    {
        const string Tree = """{"$ref":"#/definitions/Node","definitions":{"Node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/definitions/Node"}}}}}}""";
        const string Wider = """{"$ref":"#/definitions/Node","definitions":{"Node":{"type":"object","properties":{"value":{"type":"number"},"children":{"type":"array","items":{"$ref":"#/definitions/Node"}}}}}}""";

        Assert.Empty(Problems(Wider, Tree));
        Assert.Equal(["#/properties/value/type: type narrowed from number to integer"], Problems(Tree, Wider));
    }

    [Fact]
    public void Identical_schemas_are_compatible()
    {
        const string Schema = """{"type":"object","properties":{"name":{"type":"string","maxLength":10},"tags":{"type":"array","items":{"enum":["a","b"]}}},"required":["name"],"additionalProperties":false}""";

        Assert.Empty(Problems(Schema, Schema));
    }

    [Fact]
    public void Type_widened_from_integer_to_number_is_readable_and_the_reverse_is_narrowed()
    {
        Assert.Empty(Problems("""{"type":"number"}""", """{"type":"integer"}"""));
        Assert.Equal(["#/type: type narrowed from number to integer"], Problems("""{"type":"integer"}""", """{"type":"number"}"""));
    }

    [Fact]
    public void Nested_type_narrowing_names_the_property_path()
    {
        Assert.Equal(
            ["#/properties/age/type: type narrowed from number to integer"],
            Problems("""{"type":"object","properties":{"age":{"type":"integer"}}}""", """{"type":"object","properties":{"age":{"type":"number"}}}"""));
    }

    [Fact]
    public void Adding_a_type_to_a_type_array_is_readable_and_removing_one_is_narrowed()
    {
        Assert.Empty(Problems("""{"type":["string","null"]}""", """{"type":"string"}"""));
        Assert.Equal(["#/type: type narrowed from [null, string] to string"], Problems("""{"type":"string"}""", """{"type":["string","null"]}"""));
    }

    [Fact]
    public void A_changed_type_is_a_problem()
    {
        Assert.Equal(["#/type: type changed from string to integer"], Problems("""{"type":"integer"}""", """{"type":"string"}"""));
    }

    [Fact]
    public void A_reader_type_over_a_writer_without_type_is_narrowed()
    {
        Assert.Equal(["#/type: type narrowed from any type to string"], Problems("""{"type":"string"}""", """{}"""));
        Assert.Empty(Problems("""{}""", """{"type":"string"}"""));
    }

    [Fact]
    public void Property_added_to_an_open_writer_is_a_problem_unless_its_schema_is_empty()
    {
        AssertProblem(
            """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}""",
            """{"type":"object","properties":{"a":{"type":"string"}}}""",
            "#/properties/b: property added to an open content model");
        Assert.Empty(Problems(
            """{"type":"object","properties":{"a":{"type":"string"},"b":{}}}""",
            """{"type":"object","properties":{"a":{"type":"string"}}}"""));
    }

    [Fact]
    public void Optional_property_added_to_a_closed_writer_is_readable()
    {
        Assert.Empty(Problems(
            """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}""",
            """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}"""));
    }

    [Fact]
    public void Required_property_added_to_a_closed_writer_is_a_problem_unless_it_has_a_default()
    {
        Assert.Equal(
            ["#/required: required property 'b' added (the writer's data lacks it)"],
            Problems(
                """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"]}""",
                """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}"""));
        Assert.Empty(Problems(
            """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string","default":"x"}},"required":["b"]}""",
            """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}"""));
    }

    [Fact]
    public void Property_removed_from_an_open_reader_is_readable()
    {
        Assert.Empty(Problems(
            """{"type":"object","properties":{"a":{"type":"string"}}}""",
            """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}"""));
    }

    [Fact]
    public void Property_removed_from_a_closed_reader_is_a_problem()
    {
        Assert.Equal(
            ["#/properties/b: property removed from a closed content model (the reader's additionalProperties is false, so the writer's data with this property is rejected)"],
            Problems(
                """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}""",
                """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}"""));
    }

    [Fact]
    public void Partially_open_models_check_the_covering_schema()
    {
        const string Writer = """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}""";

        Assert.Empty(Problems("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":["string","null"]}},"additionalProperties":{"type":"string"}}""", Writer));
        AssertProblem("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":{"type":"string"}}""", Writer, "#/properties/b/type: type changed from string to integer");
        AssertProblem(
            """{"type":"object","properties":{"a":{"type":"string"}},"patternProperties":{"^x":{"type":"integer"}}}""",
            """{"type":"object","properties":{"a":{"type":"string"},"x1":{"type":"string"}}}""",
            "#/properties/x1/type: type changed from string to integer");
    }

    [Fact]
    public void Additional_properties_closed_or_narrowed_in_the_reader_is_a_problem_and_opened_is_fine()
    {
        AssertProblem("""{"type":"object","additionalProperties":false}""", """{"type":"object"}""", "#/additionalProperties: additionalProperties removed");
        AssertProblem("""{"type":"object","additionalProperties":{"type":"string"}}""", """{"type":"object"}""", "#/additionalProperties: additionalProperties narrowed");
        Assert.Empty(Problems("""{"type":"object"}""", """{"type":"object","additionalProperties":false}"""));
        Assert.Empty(Problems("""{"type":"object","additionalProperties":{"type":["string","integer"]}}""", """{"type":"object","additionalProperties":{"type":"string"}}"""));
    }

    [Fact]
    public void Required_added_is_a_problem_and_removed_is_fine()
    {
        const string Optional = """{"type":"object","properties":{"a":{"type":"string"}}}""";
        const string Required = """{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}""";

        Assert.Equal(["#/required: property 'a' became required (the writer's data may lack it)"], Problems(Required, Optional));
        Assert.Empty(Problems(Optional, Required));
    }

    [Fact]
    public void Enum_narrowed_or_added_is_a_problem_and_extended_is_fine()
    {
        Assert.Equal(["#/enum: enum narrowed: the reader does not accept \"c\""], Problems("""{"enum":["a","b"]}""", """{"enum":["a","b","c"]}"""));
        Assert.Empty(Problems("""{"enum":["a","b","c"]}""", """{"enum":["a","b"]}"""));
        AssertProblem("""{"type":"string","enum":["a"]}""", """{"type":"string"}""", "#/enum: enum added");
        Assert.Empty(Problems("""{"type":"string"}""", """{"enum":["a","b"]}"""));
        AssertProblem("""{"type":"integer"}""", """{"enum":["a",1]}""", "the writer's value \"a\" is string, the reader's type is integer");
        Assert.Empty(Problems("""{"enum":["a","b"]}""", """{"const":"a"}"""));
    }

    [Theory]
    [InlineData("maxLength", 10, 5, "maxLength decreased from 10 to 5")]
    [InlineData("minLength", 1, 3, "minLength increased from 1 to 3")]
    public void String_length_tightened_is_a_problem_and_relaxed_is_fine(string keyword, int writer, int reader, string expected)
    {
        Assert.Equal([$"#/{keyword}: {expected}"], Problems($$"""{"type":"string","{{keyword}}":{{reader}}}""", $$"""{"type":"string","{{keyword}}":{{writer}}}"""));
        Assert.Empty(Problems($$"""{"type":"string","{{keyword}}":{{writer}}}""", $$"""{"type":"string","{{keyword}}":{{reader}}}"""));
        Assert.Equal([$"#/{keyword}: {keyword} {reader} added"], Problems($$"""{"type":"string","{{keyword}}":{{reader}}}""", """{"type":"string"}"""));
        Assert.Empty(Problems("""{"type":"string"}""", $$"""{"type":"string","{{keyword}}":{{reader}}}"""));
    }

    [Theory]
    [InlineData("maximum", 100, 10, "maximum decreased from 100 to 10")]
    [InlineData("minimum", 0, 5, "minimum increased from 0 to 5")]
    [InlineData("exclusiveMaximum", 100, 10, "exclusiveMaximum decreased from 100 to 10")]
    [InlineData("exclusiveMinimum", 0, 5, "exclusiveMinimum increased from 0 to 5")]
    [InlineData("maxItems", 10, 2, "maxItems decreased from 10 to 2")]
    [InlineData("minItems", 0, 1, "minItems increased from 0 to 1")]
    [InlineData("maxProperties", 10, 2, "maxProperties decreased from 10 to 2")]
    [InlineData("minProperties", 0, 1, "minProperties increased from 0 to 1")]
    public void Bounds_tightened_are_a_problem_and_relaxed_are_fine(string keyword, int writer, int reader, string expected)
    {
        var type = keyword.Contains("Items", StringComparison.Ordinal) ? "array" : keyword.Contains("Properties", StringComparison.Ordinal) ? "object" : "number";

        Assert.Equal([$"#/{keyword}: {expected}"], Problems($$"""{"type":"{{type}}","{{keyword}}":{{reader}}}""", $$"""{"type":"{{type}}","{{keyword}}":{{writer}}}"""));
        Assert.Empty(Problems($$"""{"type":"{{type}}","{{keyword}}":{{writer}}}""", $$"""{"type":"{{type}}","{{keyword}}":{{reader}}}"""));
        Assert.Empty(Problems($$"""{"type":"{{type}}"}""", $$"""{"type":"{{type}}","{{keyword}}":{{reader}}}"""));
    }

    [Fact]
    public void Pattern_added_or_changed_is_a_problem_and_removed_is_fine()
    {
        Assert.Equal(["#/pattern: pattern '^a' added"], Problems("""{"type":"string","pattern":"^a"}""", """{"type":"string"}"""));
        Assert.Equal(["#/pattern: pattern changed from '^a' to '^b'"], Problems("""{"type":"string","pattern":"^b"}""", """{"type":"string","pattern":"^a"}"""));
        Assert.Empty(Problems("""{"type":"string"}""", """{"type":"string","pattern":"^a"}"""));
    }

    [Fact]
    public void MultipleOf_must_divide_the_writers()
    {
        Assert.Empty(Problems("""{"type":"number","multipleOf":0.1}""", """{"type":"number","multipleOf":0.3}"""));
        Assert.Equal(["#/multipleOf: multipleOf changed from 2 to 3, which does not divide it"], Problems("""{"type":"number","multipleOf":3}""", """{"type":"number","multipleOf":2}"""));
    }

    [Fact]
    public void String_constraints_do_not_apply_when_the_writer_writes_no_strings()
    {
        Assert.Empty(Problems("""{"type":["integer","string"],"maxLength":2}""", """{"type":"integer"}"""));
    }

    [Fact]
    public void Array_items_are_compared()
    {
        Assert.Empty(Problems("""{"type":"array","items":{"type":"number"}}""", """{"type":"array","items":{"type":"integer"}}"""));
        Assert.Equal(["#/items/type: type narrowed from number to integer"], Problems("""{"type":"array","items":{"type":"integer"}}""", """{"type":"array","items":{"type":"number"}}"""));
        Assert.Equal(["#/items/type: type narrowed from any type to string"], Problems("""{"type":"array","items":{"type":"string"}}""", """{"type":"array"}"""));
        Assert.Empty(Problems("""{"type":"array"}""", """{"type":"array","items":{"type":"string"}}"""));
    }

    [Fact]
    public void Tuple_items_are_compared_by_position()
    {
        const string Writer = """{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}""";

        Assert.Empty(Problems("""{"type":"array","items":[{"type":"string"},{"type":"number"},{"type":"boolean"}]}""", Writer));
        Assert.Equal(["#/items/1/type: type changed from integer to string"], Problems("""{"type":"array","items":[{"type":"string"},{"type":"string"}]}""", Writer));
        AssertProblem("""{"type":"array","items":[{"type":"string"}],"additionalItems":{"type":"string"}}""", Writer, "#/additionalItems/type: type changed from integer to string");
    }

    [Fact]
    public void Unique_items_added_is_a_problem()
    {
        Assert.Equal(["#/uniqueItems: uniqueItems added (the writer's arrays may repeat items)"], Problems("""{"type":"array","uniqueItems":true}""", """{"type":"array"}"""));
        Assert.Empty(Problems("""{"type":"array"}""", """{"type":"array","uniqueItems":true}"""));
    }

    [Fact]
    public void Nested_objects_are_compared_recursively()
    {
        Assert.Equal(
            ["#/properties/address/properties/zip: property removed from a closed content model (the reader's additionalProperties is false, so the writer's data with this property is rejected)"],
            Problems(
                """{"type":"object","properties":{"address":{"type":"object","properties":{"city":{"type":"string"}},"additionalProperties":false}}}""",
                """{"type":"object","properties":{"address":{"type":"object","properties":{"city":{"type":"string"},"zip":{"type":"string"}},"additionalProperties":false}}}"""));
    }

    [Fact]
    public void Alternatives_extended_are_fine_and_narrowed_are_a_problem()
    {
        const string Two = """{"oneOf":[{"type":"string"},{"type":"integer"}]}""";
        const string Three = """{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"boolean"}]}""";

        Assert.Empty(Problems(Three, Two));
        AssertProblem(Two, Three, "#/oneOf: no alternative of the reader accepts the writer's oneOf/2");
        Assert.Empty(Problems(Two, """{"type":"string"}"""));
        Assert.Empty(Problems("""{"type":["string","integer"]}""", Two));
        AssertProblem("""{"type":"string"}""", Two, "#/type: type changed from integer to string");
        AssertProblem("""{"oneOf":[{"type":"string"},{"type":"number"}]}""", """{"anyOf":[{"type":"string"},{"type":"number"}]}""", "combined type changed from anyOf to oneOf");
    }

    [Fact]
    public void AllOf_parts_of_the_reader_must_each_read_the_writer()
    {
        Assert.Empty(Problems("""{"allOf":[{"type":"number"},{"minimum":0}]}""", """{"type":"integer","minimum":1}"""));
        AssertProblem("""{"allOf":[{"type":"number"},{"minimum":5}]}""", """{"type":"integer","minimum":1}""", "#/allOf/1/minimum: minimum increased from 1 to 5");
        Assert.Empty(Problems("""{"type":"number"}""", """{"allOf":[{"type":"integer"},{"minimum":1}]}"""));
    }

    [Fact]
    public void Not_added_in_the_reader_is_a_problem()
    {
        Assert.Equal(["#/not: the reader added a 'not' constraint the writer did not have"], Problems("""{"not":{"type":"null"}}""", """{}"""));
        Assert.Empty(Problems("""{"not":{"type":"null"}}""", """{"not":{"type":["null","string"]}}"""));
    }

    [Fact]
    public void Boolean_reader_and_writer_schemas()
    {
        Assert.Empty(Problems("true", """{"type":"string"}"""));
        Assert.Empty(Problems("""{"type":"string"}""", "false"));
        Assert.Equal(["#: the reader's schema is false (accepts nothing) where the writer's accepts values"], Problems("false", "true"));
    }

    [Fact]
    public void Annotations_do_not_matter()
    {
        Assert.Empty(Problems("""{"type":"string","title":"new","description":"changed","format":"email"}""", """{"type":"string","title":"old"}"""));
    }

    [Fact]
    public void Dependencies_added_are_a_problem_and_removed_are_fine()
    {
        const string Plain = """{"type":"object","properties":{"a":{},"b":{}}}""";
        const string Dependent = """{"type":"object","properties":{"a":{},"b":{}},"dependentRequired":{"a":["b"]}}""";

        Assert.Equal(["#/dependentRequired/a: dependency added: 'a' requires 'b'"], Problems(Dependent, Plain));
        Assert.Empty(Problems(Plain, Dependent));
    }

    [Fact]
    public void A_writer_of_another_type_is_reported()
    {
        var json = Parse("""{"type":"string"}""");
        var proto = new ProtobufFormat().Parse("syntax = \"proto3\"; message A { string a = 1; }", []);

        Assert.Equal(["#: the writer's schema is Protobuf, not JSON Schema"], json.ReadProblems(proto));
    }
}
