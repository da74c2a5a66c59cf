namespace OrleansLog.Schemas;

/// <summary>One schema language (Avro, JSON Schema, Protobuf): parses schema text into something that can be compared and checked.</summary>
internal interface ISchemaFormat
{
    /// <summary>The language this format reads.</summary>
    SchemaType Type { get; }

    /// <summary>
    /// Parses <paramref name="text"/>, resolving the names it uses against <paramref name="references"/>: every schema it refers to,
    /// transitively, dependencies before the schemas that use them. Throws a <see cref="SchemaRegistryException"/> with
    /// <see cref="SchemaRegistryException.Codes.InvalidSchema"/> that says what is wrong and where.
    /// </summary>
    ParsedSchema Parse(string text, IReadOnlyList<ResolvedReference> references);
}

/// <summary>A referenced schema, resolved: the name the referring schema uses for it and its registered text.</summary>
internal sealed record ResolvedReference(string Name, string Text);

/// <summary>A parsed schema: its canonical text (which decides identity, so ids follow meaning, not whitespace) and its compatibility rules.</summary>
internal abstract class ParsedSchema
{
    /// <summary>The language of the schema.</summary>
    public abstract SchemaType Type { get; }

    /// <summary>
    /// The schema without insignificant differences (whitespace, in JSON formats the compact serialization). Two registrations with the
    /// same canonical text are the same schema and share one id. This is also the text the registry stores and serves.
    /// </summary>
    public abstract string Canonical { get; }

    /// <summary>
    /// The canonical text further normalized for <c>normalize=true</c> (Confluent's option): equivalent schemas written differently
    /// (key order, explicit defaults) become the same text.
    /// </summary>
    public abstract string Normalized { get; }

    /// <summary>
    /// Why a reader using this schema could not read every record written with <paramref name="writer"/> (a schema of the same type);
    /// empty when it can. Each message names the place (a field path) and the rule broken, in the style of
    /// <c>"field 'address.zip': the reader's type int cannot read the writer's string"</c>.
    /// </summary>
    public abstract IReadOnlyList<string> ReadProblems(ParsedSchema writer);
}
