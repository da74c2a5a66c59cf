namespace OrleansLog.Schemas;

// PLACEHOLDER until the Json format lands: text compared as given, no compatibility rules.
internal sealed class JsonSchemaFormat : ISchemaFormat
{
    public SchemaType Type => SchemaType.Json;

    public ParsedSchema Parse(string text, IReadOnlyList<ResolvedReference> references) => new Placeholder(text.Trim());

    private sealed class Placeholder(string text) : ParsedSchema
    {
        public override SchemaType Type => SchemaType.Json;

        public override string Canonical => text;

        public override string Normalized => text;

        public override IReadOnlyList<string> ReadProblems(ParsedSchema writer) => [];
    }
}
