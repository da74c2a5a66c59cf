namespace OrleansLog.Schemas;

// PLACEHOLDER until the Avro format lands: text compared as given, no compatibility rules.
internal sealed class AvroFormat : ISchemaFormat
{
    public SchemaType Type => SchemaType.Avro;

    public ParsedSchema Parse(string text, IReadOnlyList<ResolvedReference> references) => new Placeholder(text.Trim());

    private sealed class Placeholder(string text) : ParsedSchema
    {
        public override SchemaType Type => SchemaType.Avro;

        public override string Canonical => text;

        public override string Normalized => text;

        public override IReadOnlyList<string> ReadProblems(ParsedSchema writer) => [];
    }
}
