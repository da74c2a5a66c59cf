using AvroSchema = Avro.Schema;

namespace OrleansLog.Schemas;

/// <summary>An Avro schema parsed by <see cref="AvroFormat"/>: Apache.Avro's schema object with what Apache.Avro does not keep.</summary>
internal sealed class AvroParsedSchema(AvroSchema root, string canonical, string normalized, IReadOnlyDictionary<string, IReadOnlyList<string>> aliases)
    : ParsedSchema
{
    public override SchemaType Type => SchemaType.Avro;

    /// <summary>The parsed schema.</summary>
    public AvroSchema Root => root;

    /// <summary>
    /// The aliases of each named type (records, enums, fixed) the schema and its references define, by full name, as full names;
    /// Apache.Avro parses them but does not expose them.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Aliases => aliases;

    /// <summary>The schema text as compact JSON: whitespace removed, keys, values and their order exactly as written.</summary>
    public override string Canonical => canonical;

    /// <summary>See <see cref="AvroSchemaJson.Normalize"/>.</summary>
    public override string Normalized => normalized;

    public override IReadOnlyList<string> ReadProblems(ParsedSchema writer) =>
        writer is AvroParsedSchema avro
            ? AvroResolution.ReadProblems(this, avro)
            : [$"the reader is an AVRO schema and the writer a {writer.Type} schema; only schemas of one type can be compared"];
}
