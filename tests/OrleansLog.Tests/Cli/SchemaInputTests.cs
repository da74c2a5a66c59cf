using OrleansLog.Cli;
using OrleansLog.Cli.Commands;
using OrleansLog.Schemas;

namespace OrleansLog.Tests.Cli;

public sealed class SchemaInputTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("42", 42)]
    [InlineData("latest", ISchemaRegistryGrain.LatestVersion)]
    [InlineData("LATEST", ISchemaRegistryGrain.LatestVersion)]
    [InlineData("-1", ISchemaRegistryGrain.LatestVersion)]
    public void Versions_are_positive_numbers_or_latest(string text, int expected) =>
        Assert.Equal(expected, SchemaInput.ParseVersion(text));

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("+3")]
    [InlineData("first")]
    [InlineData("")]
    public void Other_versions_are_a_usage_error_naming_the_value(string text)
    {
        var error = Assert.Throws<CliException>(() => SchemaInput.ParseVersion(text));
        Assert.Equal((ExitCodes.Usage, $"--version '{text}' is not a positive number or latest."), (error.ExitCode, error.Message));
    }

    [Theory]
    [InlineData("order.avsc", null, SchemaType.Avro)]
    [InlineData("customer.JSON", null, SchemaType.Json)]
    [InlineData("order.proto", null, SchemaType.Protobuf)]
    [InlineData("order.txt", null, SchemaType.Avro)]
    [InlineData("order", null, SchemaType.Avro)]
    [InlineData("order.avsc", "json", SchemaType.Json)]
    [InlineData("order.json", "AVRO", SchemaType.Avro)]
    [InlineData("order.json", "Protobuf", SchemaType.Protobuf)]
    public void The_type_is_given_or_inferred_from_the_extension(string file, string? type, SchemaType expected) =>
        Assert.Equal(expected, SchemaInput.TypeOf(file, type));

    [Fact]
    public void An_unknown_type_is_a_usage_error()
    {
        var error = Assert.Throws<CliException>(() => SchemaInput.TypeOf("order.avsc", "xml"));
        Assert.Equal((ExitCodes.Usage, "--type 'xml' is not one of avro, json, protobuf."), (error.ExitCode, error.Message));
    }

    [Theory]
    [InlineData("com.acme.Address=address-value:1", "com.acme.Address", "address-value", 1)]
    [InlineData("address.json=address-value:latest", "address.json", "address-value", ISchemaRegistryGrain.LatestVersion)]
    [InlineData("acme/address.proto=ns:address:12", "acme/address.proto", "ns:address", 12)]
    public void References_are_name_equals_subject_colon_version(string text, string name, string subject, int version) =>
        Assert.Equal(new SchemaReference(name, subject, version), SchemaInput.ParseReference(text));

    [Theory]
    [InlineData("Address", "is not name=subject:version")]
    [InlineData("=address-value:1", "is not name=subject:version")]
    [InlineData("Address=:1", "is not name=subject:version")]
    [InlineData("Address=address-value:", "is not name=subject:version")]
    [InlineData("Address=address-value", "is not name=subject:version")]
    [InlineData("Address=address-value:0", "has version '0'")]
    public void Malformed_references_are_a_usage_error(string text, string expected)
    {
        var error = Assert.Throws<CliException>(() => SchemaInput.ParseReference(text));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.StartsWith($"--reference '{text}' {expected}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void References_are_described_as_they_are_given()
    {
        Assert.Equal("none", SchemaInput.Describe([]));
        Assert.Equal("a=s:1, b=t:latest", SchemaInput.Describe([new("a", "s", 1), new("b", "t", ISchemaRegistryGrain.LatestVersion)]));
    }

    [Fact]
    public void Json_schemas_are_indented_and_keep_their_characters_while_protobuf_and_non_json_text_are_shown_as_stored()
    {
        var pretty = SchemaInput.Pretty(new Schema("""{"type":"record","name":"Café","fields":[{"name":"a<b","type":"int"}]}"""));
        Assert.Equal(
            string.Join(Environment.NewLine, "{", "  \"type\": \"record\",", "  \"name\": \"Café\",", "  \"fields\": [", "    {", "      \"name\": \"a<b\",", "      \"type\": \"int\"", "    }", "  ]", "}"),
            pretty);
        Assert.Equal("\"string\"", SchemaInput.Pretty(new Schema("\"string\"")));

        const string proto = "syntax = \"proto3\";\nmessage A { string id = 1; }";
        Assert.Equal(proto, SchemaInput.Pretty(new Schema(proto, SchemaType.Protobuf)));
        Assert.Equal("not json {", SchemaInput.Pretty(new Schema("not json {", SchemaType.Json)));
    }

    [Fact]
    public async Task A_missing_or_empty_file_is_a_usage_error_naming_the_file()
    {
        var directory = Directory.CreateTempSubdirectory("orleanslog-schema-input");
        try
        {
            var missing = new FileInfo(Path.Combine(directory.FullName, "missing.avsc"));
            var error = await Assert.ThrowsAsync<CliException>(() => SchemaInput.ReadAsync(missing, null, null, CancellationToken.None));
            Assert.Equal((ExitCodes.Usage, $"The schema file '{missing.FullName}' does not exist."), (error.ExitCode, error.Message));

            var empty = new FileInfo(Path.Combine(directory.FullName, "empty.avsc"));
            await File.WriteAllTextAsync(empty.FullName, " \n");
            Assert.Contains("is empty", (await Assert.ThrowsAsync<CliException>(() => SchemaInput.ReadAsync(empty, null, null, CancellationToken.None))).Message, StringComparison.Ordinal);

            var file = new FileInfo(Path.Combine(directory.FullName, "customer.json"));
            await File.WriteAllTextAsync(file.FullName, "{\"type\":\"object\"}");
            var schema = await SchemaInput.ReadAsync(file, null, ["address.json=address-value:2"], CancellationToken.None);
            Assert.Equal(("{\"type\":\"object\"}", SchemaType.Json), (schema.Text, schema.Type));
            Assert.Equal([new SchemaReference("address.json", "address-value", 2)], schema.References);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
