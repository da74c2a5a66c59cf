using OrleansLog.Schemas;
using AvroSchema = Avro.Schema;

namespace OrleansLog.Tests.Schemas;

/// <summary>Avro's schema-resolution rules, each as reader/writer pairs that pass and fail.</summary>
public sealed class AvroCompatibilityTests
{
    private static readonly AvroFormat s_format = new();

    private static ParsedSchema Parse(string text) => s_format.Parse(text, []);

    private static IReadOnlyList<string> Problems(string reader, string writer) => Parse(reader).ReadProblems(Parse(writer));

    private static string Order(string fields) => $$"""{"type":"record","name":"Order","namespace":"shop","fields":[{{fields}}]}""";

    private static string OneProblem(string reader, string writer, string path)
    {
        string problem = Assert.Single(Problems(reader, writer));
        Assert.StartsWith($"at '{path}': ", problem, StringComparison.Ordinal);
        return problem;
    }

    [Fact]
    public void A_schema_reads_itself()
    {
        string order = Order("""{"name":"id","type":"long"},{"name":"tags","type":{"type":"array","items":"string"}}""");

        Assert.Empty(Problems(order, order));
    }

    [Fact]
    public void A_reader_field_the_writer_lacks_is_read_when_it_has_a_default()
    {
        string writer = Order("""{"name":"id","type":"long"}""");
        string reader = Order("""{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}""");

        Assert.Empty(Problems(reader, writer));
    }

    [Fact]
    public void A_reader_field_the_writer_lacks_is_a_problem_without_a_default()
    {
        string writer = Order("""{"name":"id","type":"long"}""");
        string reader = Order("""{"name":"id","type":"long"},{"name":"email","type":"string"}""");

        string problem = OneProblem(reader, writer, "Order.email");
        Assert.Contains("no default", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writer_field_the_reader_lacks_is_skipped()
    {
        string writer = Order("""{"name":"id","type":"long"},{"name":"email","type":"string"}""");
        string reader = Order("""{"name":"id","type":"long"}""");

        Assert.Empty(Problems(reader, writer));
    }

    [Fact]
    public void Removing_a_field_is_forward_compatible_only_when_the_old_reader_has_a_default_for_it()
    {
        string newWriter = Order("""{"name":"id","type":"long"}""");
        string oldReaderWithDefault = Order("""{"name":"id","type":"long"},{"name":"email","type":"string","default":""}""");
        string oldReaderWithoutDefault = Order("""{"name":"id","type":"long"},{"name":"email","type":"string"}""");

        Assert.Empty(Problems(oldReaderWithDefault, newWriter));
        OneProblem(oldReaderWithoutDefault, newWriter, "Order.email");
    }

    [Theory]
    [InlineData("int", "long")]
    [InlineData("int", "float")]
    [InlineData("int", "double")]
    [InlineData("long", "float")]
    [InlineData("long", "double")]
    [InlineData("float", "double")]
    [InlineData("string", "bytes")]
    [InlineData("bytes", "string")]
    public void A_reader_reads_a_writer_type_it_promotes(string writerType, string readerType)
    {
        string writer = Order($$"""{"name":"amount","type":"{{writerType}}"}""");
        string reader = Order($$"""{"name":"amount","type":"{{readerType}}"}""");

        Assert.Empty(Problems(reader, writer));
        if (writerType != "bytes" && readerType != "bytes")
        {
            // Apache.Avro's own CanRead agrees, except that it lacks the spec's string/bytes promotion.
            Assert.True(AvroSchema.Parse(reader).CanRead(AvroSchema.Parse(writer)));
        }
    }

    [Theory]
    [InlineData("long", "int")]
    [InlineData("float", "int")]
    [InlineData("double", "float")]
    [InlineData("double", "long")]
    [InlineData("float", "long")]
    [InlineData("int", "string")]
    [InlineData("string", "int")]
    [InlineData("boolean", "int")]
    [InlineData("null", "string")]
    [InlineData("bytes", "int")]
    public void A_reader_cannot_read_a_writer_type_it_does_not_promote(string writerType, string readerType)
    {
        string writer = Order($$"""{"name":"amount","type":"{{writerType}}"}""");
        string reader = Order($$"""{"name":"amount","type":"{{readerType}}"}""");

        string problem = OneProblem(reader, writer, "Order.amount");
        Assert.Equal($"at 'Order.amount': reader type {readerType} cannot read writer type {writerType}", problem);
        Assert.False(AvroSchema.Parse(reader).CanRead(AvroSchema.Parse(writer)));
    }

    [Fact]
    public void A_wider_reader_union_reads_a_narrower_writer_union_or_one_of_its_branches()
    {
        string wide = Order("""{"name":"v","type":["null","string","int"]}""");

        Assert.Empty(Problems(wide, Order("""{"name":"v","type":["null","string"]}""")));
        Assert.Empty(Problems(wide, Order("""{"name":"v","type":"string"}""")));
        Assert.Empty(Problems(wide, Order("""{"name":"v","type":"long"}""").Replace("long", "int", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_reader_union_branch_may_promote_the_writer_type()
    {
        Assert.Empty(Problems(Order("""{"name":"v","type":["null","double"]}"""), Order("""{"name":"v","type":"int"}""")));
    }

    [Fact]
    public void A_narrower_reader_union_cannot_read_the_writer_branches_it_lacks()
    {
        string reader = Order("""{"name":"v","type":["null","string"]}""");
        string writer = Order("""{"name":"v","type":["null","string","boolean"]}""");

        string problem = OneProblem(reader, writer, "Order.v");
        Assert.Contains("boolean", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_non_union_reader_must_read_every_branch_of_a_writer_union()
    {
        string problem = OneProblem(Order("""{"name":"v","type":"string"}"""), Order("""{"name":"v","type":["null","string"]}"""), "Order.v");

        Assert.Equal("at 'Order.v': reader type string cannot read writer type null", problem);
        Assert.Empty(Problems(Order("""{"name":"v","type":"double"}"""), Order("""{"name":"v","type":["int","long","float"]}""")));
    }

    [Fact]
    public void A_reader_union_with_no_branch_for_the_writer_type_is_a_problem()
    {
        string problem = OneProblem(Order("""{"name":"v","type":["null","int"]}"""), Order("""{"name":"v","type":"string"}"""), "Order.v");

        Assert.Equal("at 'Order.v': no branch of reader type union [null, int] can read writer type string", problem);
    }

    [Fact]
    public void A_reader_union_reports_the_problems_of_its_branch_of_the_writers_kind()
    {
        string address = """{"type":"record","name":"Address","fields":[{"name":"zip","type":"ZIPTYPE"}]}""";
        string reader = Order($$"""{"name":"shipTo","type":["null",{{address.Replace("ZIPTYPE", "int", StringComparison.Ordinal)}}]}""");
        string writer = Order($$"""{"name":"shipTo","type":{{address.Replace("ZIPTYPE", "string", StringComparison.Ordinal)}}}""");

        Assert.Equal("at 'Order.shipTo.zip': reader type int cannot read writer type string", Assert.Single(Problems(reader, writer)));
    }

    [Fact]
    public void A_writer_enum_symbol_the_reader_lacks_is_a_problem_without_an_enum_default()
    {
        string reader = Order("""{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}}""");
        string writer = Order("""{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","REFUNDED"]}}""");

        string problem = OneProblem(reader, writer, "Order.status");
        Assert.Contains("REFUNDED", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("PAID", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writer_enum_symbol_the_reader_lacks_reads_as_the_enum_default()
    {
        string reader = Order("""{"name":"status","type":{"type":"enum","name":"Status","symbols":["UNKNOWN","NEW","PAID"],"default":"UNKNOWN"}}""");
        string writer = Order("""{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","REFUNDED"]}}""");

        Assert.Empty(Problems(reader, writer));
    }

    [Fact]
    public void A_reader_enum_with_more_symbols_reads_the_writer_enum()
    {
        string reader = Order("""{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","REFUNDED"]}}""");
        string writer = Order("""{"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}}""");

        Assert.Empty(Problems(reader, writer));
    }

    [Fact]
    public void A_renamed_record_is_a_problem_without_an_alias()
    {
        string reader = """{"type":"record","name":"Purchase","namespace":"shop","fields":[{"name":"id","type":"long"}]}""";
        string writer = Order("""{"name":"id","type":"long"}""");

        string problem = OneProblem(reader, writer, "Purchase");
        Assert.Contains("shop.Order", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Order")]
    [InlineData("shop.Order")]
    public void A_renamed_record_reads_the_writer_named_in_its_aliases(string alias)
    {
        string reader = $$"""{"type":"record","name":"Purchase","namespace":"shop","aliases":["{{alias}}"],"fields":[{"name":"id","type":"long"}]}""";
        string writer = Order("""{"name":"id","type":"long"}""");

        Assert.Empty(Problems(reader, writer));
    }

    [Fact]
    public void A_record_alias_in_another_namespace_does_not_match()
    {
        string reader = """{"type":"record","name":"Purchase","namespace":"shop","aliases":["billing.Order"],"fields":[{"name":"id","type":"long"}]}""";

        OneProblem(reader, Order("""{"name":"id","type":"long"}"""), "Purchase");
    }

    [Fact]
    public void Records_match_by_unqualified_name_across_namespaces()
    {
        string reader = """{"type":"record","name":"Order","namespace":"billing","fields":[{"name":"id","type":"long"}]}""";

        Assert.Empty(Problems(reader, Order("""{"name":"id","type":"long"}""")));
    }

    [Fact]
    public void A_renamed_field_reads_the_writer_field_named_in_its_aliases()
    {
        string writer = Order("""{"name":"email","type":"string"}""");

        Assert.Empty(Problems(Order("""{"name":"mail","type":"string","aliases":["email"]}"""), writer));
        string problem = OneProblem(Order("""{"name":"mail","type":"string"}"""), writer, "Order.mail");
        Assert.Contains("no default", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_problem_in_a_nested_record_names_the_full_field_path()
    {
        string Customer(string zipType) =>
            $$$"""{"name":"customer","type":{"type":"record","name":"Customer","fields":[{"name":"name","type":"string"},{"name":"address","type":{"type":"record","name":"Address","fields":[{"name":"zip","type":"{{{zipType}}}"}]}}]}}""";

        Assert.Empty(Problems(Order(Customer("long")), Order(Customer("int"))));
        Assert.Equal(
            "at 'Order.customer.address.zip': reader type int cannot read writer type string",
            Assert.Single(Problems(Order(Customer("int")), Order(Customer("string")))));
    }

    [Fact]
    public void Array_items_resolve_by_the_same_rules()
    {
        string Lines(string qty) =>
            Order($$$$"""{"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[{"name":"qty","type":"{{{{qty}}}}"}]}}}""");

        Assert.Empty(Problems(Lines("long"), Lines("int")));
        Assert.Equal("at 'Order.lines[].qty': reader type int cannot read writer type long", Assert.Single(Problems(Lines("int"), Lines("long"))));
        OneProblem(Order("""{"name":"ids","type":{"type":"array","items":"int"}}"""), Order("""{"name":"ids","type":{"type":"array","items":"string"}}"""), "Order.ids[]");
    }

    [Fact]
    public void Map_values_resolve_by_the_same_rules()
    {
        string Attributes(string value) => Order($$$"""{"name":"attributes","type":{"type":"map","values":"{{{value}}}"}}""");

        Assert.Empty(Problems(Attributes("double"), Attributes("float")));
        OneProblem(Attributes("float"), Attributes("double"), "Order.attributes{}");
    }

    [Fact]
    public void An_array_cannot_read_a_map()
    {
        string problem = OneProblem(
            Order("""{"name":"v","type":{"type":"array","items":"int"}}"""), Order("""{"name":"v","type":{"type":"map","values":"int"}}"""), "Order.v");

        Assert.Equal("at 'Order.v': reader type array<int> cannot read writer type map<int>", problem);
    }

    [Fact]
    public void Fixed_types_must_keep_their_name_and_size()
    {
        string Hash(string name, int size) => Order($$$"""{"name":"hash","type":{"type":"fixed","name":"{{{name}}}","size":{{{size}}}}}""");

        Assert.Empty(Problems(Hash("Md5", 16), Hash("Md5", 16)));
        string problem = OneProblem(Hash("Md5", 16), Hash("Md5", 32), "Order.hash");
        Assert.Contains("size 16", problem, StringComparison.Ordinal);
        Assert.Contains("size 32", problem, StringComparison.Ordinal);
        OneProblem(Hash("Sha", 16), Hash("Md5", 16), "Order.hash");
    }

    [Fact]
    public void Logical_types_resolve_by_their_underlying_type()
    {
        string millis = Order("""{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}""");
        string plainLong = Order("""{"name":"at","type":"long"}""");
        string date = Order("""{"name":"at","type":{"type":"int","logicalType":"date"}}""");

        Assert.Empty(Problems(millis, plainLong));
        Assert.Empty(Problems(plainLong, millis));
        Assert.Empty(Problems(millis, date)); // int promotes to long
        Assert.Equal("at 'Order.at': reader type int (date) cannot read writer type long (timestamp-millis)", Assert.Single(Problems(date, millis)));
    }

    [Fact]
    public void A_decimal_must_keep_its_precision_and_scale()
    {
        string Decimal(int precision, int scale) =>
            Order($$$"""{"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":{{{precision}}},"scale":{{{scale}}}}}""");

        Assert.Empty(Problems(Decimal(10, 2), Decimal(10, 2)));
        Assert.Contains("decimal(10,3)", OneProblem(Decimal(10, 3), Decimal(10, 2), "Order.total"), StringComparison.Ordinal);
        Assert.Contains("decimal(12,2)", OneProblem(Decimal(10, 2), Decimal(12, 2), "Order.total"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_cannot_read_a_primitive()
    {
        string problem = OneProblem(
            Order("""{"name":"v","type":{"type":"record","name":"Money","fields":[{"name":"cents","type":"long"}]}}"""),
            Order("""{"name":"v","type":"long"}"""),
            "Order.v");

        Assert.Equal("at 'Order.v': reader type record shop.Money cannot read writer type long", problem);
    }

    [Fact]
    public void Recursive_schemas_resolve_without_looping()
    {
        string List(string valueType, string extra = "") =>
            $$"""{"type":"record","name":"Node","fields":[{"name":"value","type":"{{valueType}}"},{"name":"next","type":["null","Node"],"default":null}{{extra}}]}""";

        Assert.Empty(Problems(List("long"), List("int")));
        Assert.Empty(Problems(List("int", """,{"name":"label","type":"string","default":""}"""), List("int")));
        Assert.Equal("at 'Node.value': reader type int cannot read writer type string", Assert.Single(Problems(List("int"), List("string"))));
    }

    [Fact]
    public void Mutually_recursive_schemas_resolve_without_looping()
    {
        string Tree(string leafType) =>
            $$$$"""{"type":"record","name":"Tree","fields":[{"name":"children","type":{"type":"array","items":{"type":"record","name":"Branch","fields":[{"name":"leaf","type":"{{{{leafType}}}}"},{"name":"subtree","type":["null","Tree"]}]}}}]}""";

        Assert.Empty(Problems(Tree("double"), Tree("float")));
        Assert.Equal("at 'Tree.children[].leaf': reader type float cannot read writer type double", Assert.Single(Problems(Tree("float"), Tree("double"))));
    }

    [Fact]
    public void A_type_used_in_many_places_reports_each_place()
    {
        string Shipping(string zip) =>
            Order($$$"""{"name":"from","type":{"type":"record","name":"Address","fields":[{"name":"zip","type":"{{{zip}}}"}]}},{"name":"to","type":"Address"}""");

        Assert.Equal(
            ["at 'Order.from.zip': reader type int cannot read writer type string", "at 'Order.to.zip': reader type int cannot read writer type string"],
            Problems(Shipping("int"), Shipping("string")));
    }

    [Fact]
    public void Every_problem_is_reported()
    {
        string reader = Order("""{"name":"a","type":"int"},{"name":"b","type":"string"},{"name":"c","type":"boolean"}""");
        string writer = Order("""{"name":"a","type":"long"},{"name":"c","type":"int"}""");

        Assert.Equal(
            [
                "at 'Order.a': reader type int cannot read writer type long",
                "at 'Order.b': reader field 'b' has no default and writer type record shop.Order has no field 'b'",
                "at 'Order.c': reader type boolean cannot read writer type int",
            ],
            Problems(reader, writer));
    }

    [Fact]
    public void Top_level_non_record_schemas_resolve_too()
    {
        Assert.Empty(Problems("\"long\"", "\"int\""));
        Assert.Equal("at 'int': reader type int cannot read writer type long", Assert.Single(Problems("\"int\"", "\"long\"")));
        Assert.Equal("at 'array[]': reader type int cannot read writer type string", Assert.Single(Problems("""{"type":"array","items":"int"}""", """{"type":"array","items":"string"}""")));
    }
}
