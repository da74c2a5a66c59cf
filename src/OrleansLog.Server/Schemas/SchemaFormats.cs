namespace OrleansLog.Schemas;

/// <summary>The schema languages the registry understands, by type.</summary>
internal static class SchemaFormats
{
    private static readonly ISchemaFormat[] s_formats = [new AvroFormat(), new JsonSchemaFormat(), new ProtobufFormat()];

    /// <summary>The format for <paramref name="type"/>.</summary>
    public static ISchemaFormat For(SchemaType type) =>
        Array.Find(s_formats, format => format.Type == type)
        ?? throw new SchemaRegistryException(SchemaRegistryException.Codes.InvalidSchema, $"Unknown schema type {type}; use AVRO, JSON or PROTOBUF.");
}
