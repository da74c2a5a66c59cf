namespace OrleansLog.Schemas;

/// <summary>The language a registered schema is written in; the names are Confluent's <c>schemaType</c> values.</summary>
public enum SchemaType
{
    /// <summary>An Apache Avro schema (JSON); Confluent's default when a request names no type.</summary>
    Avro,

    /// <summary>A JSON Schema document.</summary>
    Json,

    /// <summary>A Protocol Buffers <c>.proto</c> file.</summary>
    Protobuf,
}
