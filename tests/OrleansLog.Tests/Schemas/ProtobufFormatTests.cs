using OrleansLog.Schemas;

namespace OrleansLog.Tests.Schemas;

public sealed class ProtobufFormatTests
{
    private static readonly ProtobufFormat s_format = new();

    private static ParsedSchema Parse(string text, params ResolvedReference[] references) => s_format.Parse(text, references);

    private static IReadOnlyList<string> Problems(string reader, string writer) => Parse(reader).ReadProblems(Parse(writer));

    private static string Proto3(string body, string package = "shop") => $"syntax = \"proto3\";\npackage {package};\n{body}\n";

    [Fact]
    public void Canonical_normalizes_line_endings_and_trims_trailing_whitespace()
    {
        var schema = Parse("\r\n\r\nsyntax = \"proto3\";   \r\nmessage A {\t\r\n  string a = 1;  \r\n}\r\n\r\n");

        Assert.Equal("syntax = \"proto3\";\nmessage A {\n  string a = 1;\n}", schema.Canonical);
        Assert.Equal(schema.Canonical, Parse("syntax = \"proto3\";\nmessage A {\n  string a = 1;\n}\n").Canonical);
        Assert.Equal(schema.Canonical, schema.Normalized);
    }

    [Theory]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  strin a = 1;\n}", "line 3")]
    [InlineData("syntax = \"proto3\";\nmessage A {\n  string a = 1;\n", "line")]
    [InlineData("syntax = \"proto3\";\nmessage A { string a = 1; string b = 1; }", "line 2")]
    [InlineData("syntax = \"proto3\";\nimport \"missing.proto\";\nmessage A { string a = 1; }", "missing.proto")]
    public void Invalid_documents_are_refused_with_42201_and_a_line(string text, string expected)
    {
        var error = Assert.Throws<SchemaRegistryException>(() => Parse(text));

        Assert.Equal(SchemaRegistryException.Codes.InvalidSchema, error.RegistryErrorCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("Invalid Protobuf schema: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void References_resolve_as_files_under_their_import_path()
    {
        var address = new ResolvedReference("common/address.proto", Proto3("message Address { string zip = 1; }", "common"));
        const string Text = "syntax = \"proto3\";\npackage shop;\nimport \"common/address.proto\";\nmessage Order { common.Address ship_to = 1; }";

        var writer = Parse(Text, address);
        var reader = Parse(Text, new ResolvedReference("common/address.proto", Proto3("message Address { int64 zip = 1; }", "common")));

        Assert.Empty(writer.ReadProblems(writer));
        Assert.Equal(["Order.ship_to.zip (field 1): the reader's type int64 cannot read the writer's string (different wire encodings)"], reader.ReadProblems(writer));
    }

    [Fact]
    public void Well_known_imports_resolve_without_references()
    {
        var schema = Parse("syntax = \"proto3\";\nimport \"google/protobuf/timestamp.proto\";\nmessage A { google.protobuf.Timestamp at = 1; }");

        Assert.Empty(schema.ReadProblems(schema));
    }

    [Fact]
    public void Fields_added_and_optional_fields_removed_are_fine()
    {
        Assert.Empty(Problems(Proto3("message A { string a = 1; int32 b = 2; }"), Proto3("message A { string a = 1; }")));
        Assert.Empty(Problems(Proto3("message A { string a = 1; }"), Proto3("message A { string a = 1; int32 b = 2; }")));
    }

    [Fact]
    public void Renaming_a_field_is_fine()
    {
        Assert.Empty(Problems(Proto3("message A { string name = 1; }"), Proto3("message A { string title = 1; }")));
    }

    [Fact]
    public void Removed_or_renamed_message_is_a_problem_and_added_is_fine()
    {
        Assert.Equal(
            ["message B: removed (or renamed) in the reader, which then has no type for data written as B"],
            Problems(Proto3("message A { string a = 1; } message C { string c = 1; }"), Proto3("message A { string a = 1; } message B { string b = 1; }")));
        Assert.Empty(Problems(Proto3("message A { string a = 1; } message B { string b = 1; }"), Proto3("message A { string a = 1; }")));
        Assert.Equal(
            ["message A.Inner: removed (or renamed) in the reader, which then has no type for data written as A.Inner"],
            Problems(Proto3("message A { string a = 1; }"), Proto3("message A { message Inner { string x = 1; } string a = 1; }")));
    }

    [Theory]
    [InlineData("int32", "int64")]
    [InlineData("uint32", "uint64")]
    [InlineData("int64", "bool")]
    [InlineData("sint32", "sint64")]
    [InlineData("fixed32", "sfixed32")]
    [InlineData("fixed64", "sfixed64")]
    [InlineData("string", "bytes")]
    public void Scalars_in_one_wire_group_read_each_other(string writer, string reader)
    {
        Assert.Empty(Problems(Proto3($"message A {{ {reader} a = 1; }}"), Proto3($"message A {{ {writer} a = 1; }}")));
        Assert.Empty(Problems(Proto3($"message A {{ {writer} a = 1; }}"), Proto3($"message A {{ {reader} a = 1; }}")));
    }

    [Theory]
    [InlineData("int32", "sint32")]
    [InlineData("int64", "fixed64")]
    [InlineData("fixed32", "fixed64")]
    [InlineData("string", "int32")]
    [InlineData("float", "double")]
    [InlineData("sint64", "sfixed64")]
    public void Scalars_of_different_wire_groups_are_a_problem(string writer, string reader)
    {
        Assert.Equal(
            [$"A.a (field 1): the reader's type {reader} cannot read the writer's {writer} (different wire encodings)"],
            Problems(Proto3($"message A {{ {reader} a = 1; }}"), Proto3($"message A {{ {writer} a = 1; }}")));
    }

    [Fact]
    public void An_enum_reads_like_an_int32()
    {
        Assert.Empty(Problems(Proto3("enum E { X = 0; } message A { E a = 1; }"), Proto3("enum E { X = 0; } message A { int32 a = 1; }")));
    }

    [Fact]
    public void Enum_values_added_or_removed_are_fine()
    {
        Assert.Empty(Problems(Proto3("enum E { X = 0; Y = 1; } message A { E a = 1; }"), Proto3("enum E { X = 0; } message A { E a = 1; }")));
        Assert.Empty(Problems(Proto3("enum E { X = 0; } message A { E a = 1; }"), Proto3("enum E { X = 0; Y = 1; } message A { E a = 1; }")));
    }

    [Fact]
    public void A_field_changing_between_scalar_and_message_is_a_problem()
    {
        Assert.Equal(
            ["A.a (field 1): type changed from string (scalar) to B (message)"],
            Problems(Proto3("message B { string b = 1; } message A { B a = 1; }"), Proto3("message B { string b = 1; } message A { string a = 1; }")));
    }

    [Fact]
    public void A_field_whose_message_type_was_renamed_is_a_problem()
    {
        Assert.Contains(
            "A.a (field 1): message type changed from B to C",
            Problems(Proto3("message C { string b = 1; } message A { C a = 1; }"), Proto3("message B { string b = 1; } message A { B a = 1; }")));
    }

    [Fact]
    public void Nested_message_fields_are_compared_recursively()
    {
        // B is checked on its own as a top-level message and again where A uses it.
        Assert.Equal(
            ["B.x (field 1): the reader's type double cannot read the writer's float (different wire encodings)",
             "A.b.x (field 1): the reader's type double cannot read the writer's float (different wire encodings)"],
            Problems(Proto3("message B { double x = 1; } message A { B b = 1; }"), Proto3("message B { float x = 1; } message A { B b = 1; }")));
    }

    [Fact]
    public void Recursive_messages_compare_without_looping()
    {
        const string Tree = "message Node { int32 value = 1; repeated Node children = 2; }";

        Assert.Empty(Problems(Proto3(Tree), Proto3(Tree)));
    }

    [Fact]
    public void Map_values_are_compared()
    {
        Assert.Empty(Problems(Proto3("message A { map<string, int64> m = 1; }"), Proto3("message A { map<string, int32> m = 1; }")));
        Assert.Equal(
            ["A.m (field 1) value: the reader's type string cannot read the writer's int32 (different wire encodings)"],
            Problems(Proto3("message A { map<string, string> m = 1; }"), Proto3("message A { map<string, int32> m = 1; }")));
    }

    [Fact]
    public void A_numeric_field_changing_between_singular_and_repeated_is_a_problem_but_strings_may()
    {
        Assert.Equal(
            ["A.a (field 1): numeric field changed from singular to repeated"],
            Problems(Proto3("message A { repeated int32 a = 1; }"), Proto3("message A { int32 a = 1; }")));
        Assert.Empty(Problems(Proto3("message A { repeated string a = 1; }"), Proto3("message A { string a = 1; }")));
    }

    [Fact]
    public void Several_fields_moved_into_one_oneof_is_a_problem_and_one_into_a_new_oneof_is_fine()
    {
        Assert.Equal(
            ["A oneof 'choice': fields 1, 2 moved into one oneof (data written with several of them set keeps only one)"],
            Problems(Proto3("message A { oneof choice { string a = 1; int32 b = 2; } }"), Proto3("message A { string a = 1; int32 b = 2; }")));
        Assert.Empty(Problems(Proto3("message A { oneof choice { string a = 1; } int32 b = 2; }"), Proto3("message A { string a = 1; int32 b = 2; }")));
    }

    [Fact]
    public void A_field_moved_into_an_existing_oneof_is_a_problem()
    {
        Assert.Equal(
            ["A oneof 'choice': field 2 'b' moved into an existing oneof (data written with it and another member set keeps only one)"],
            Problems(Proto3("message A { oneof choice { string a = 1; int32 b = 2; } }"), Proto3("message A { oneof choice { string a = 1; } int32 b = 2; }")));
    }

    [Fact]
    public void A_field_moved_out_of_or_removed_from_a_kept_oneof_is_a_problem()
    {
        Assert.Equal(
            ["A.b (field 2): moved out of oneof 'choice', which the reader keeps"],
            Problems(Proto3("message A { oneof choice { string a = 1; } int32 b = 2; }"), Proto3("message A { oneof choice { string a = 1; int32 b = 2; } }")));
        Assert.Equal(
            ["A.b (field 2): removed from oneof 'choice', which the reader keeps"],
            Problems(Proto3("message A { oneof choice { string a = 1; } }"), Proto3("message A { oneof choice { string a = 1; int32 b = 2; } }")));
    }

    [Fact]
    public void A_oneof_added_or_removed_whole_is_fine()
    {
        Assert.Empty(Problems(Proto3("message A { string a = 1; oneof choice { int32 b = 2; int64 c = 3; } }"), Proto3("message A { string a = 1; }")));
        Assert.Empty(Problems(Proto3("message A { string a = 1; }"), Proto3("message A { string a = 1; oneof choice { int32 b = 2; int64 c = 3; } }")));
    }

    [Fact]
    public void Proto3_optional_fields_are_not_oneof_members()
    {
        Assert.Empty(Problems(Proto3("message A { optional string a = 1; }"), Proto3("message A { string a = 1; }")));
    }

    [Fact]
    public void A_changed_package_is_a_problem()
    {
        Assert.Equal(
            ["package changed from 'shop' to 'store'"],
            Problems(Proto3("message A { string a = 1; }", "store"), Proto3("message A { string a = 1; }", "shop")));
    }

    [Fact]
    public void A_changed_syntax_is_a_problem()
    {
        Assert.Equal(
            ["syntax changed from proto2 to proto3"],
            Problems("syntax = \"proto3\";\nmessage A { string a = 1; }", "syntax = \"proto2\";\nmessage A { optional string a = 1; }"));
    }

    [Fact]
    public void Proto2_required_fields_added_or_removed_are_a_problem()
    {
        const string Optional = "syntax = \"proto2\";\nmessage A { optional string a = 1; }";

        Assert.Equal(
            ["A.b (field 2): required field added (the writer's data lacks it)"],
            Problems("syntax = \"proto2\";\nmessage A { optional string a = 1; required int32 b = 2; }", Optional));
        Assert.Equal(
            ["A.b (field 2): required field removed"],
            Problems(Optional, "syntax = \"proto2\";\nmessage A { optional string a = 1; required int32 b = 2; }"));
        Assert.Equal(
            ["A.a (field 1): became required (the writer's data may lack it)"],
            Problems("syntax = \"proto2\";\nmessage A { required string a = 1; }", Optional));
    }

    [Fact]
    public void A_writer_of_another_type_is_reported()
    {
        var proto = Parse(Proto3("message A { string a = 1; }"));

        Assert.Equal(["the writer's schema is Json, not Protobuf"], proto.ReadProblems(new JsonSchemaFormat().Parse("{}", [])));
    }
}
