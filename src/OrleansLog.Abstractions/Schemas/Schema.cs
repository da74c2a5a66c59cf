namespace OrleansLog.Schemas;

/// <summary>A schema as a client sends it: its text, its language and the schemas it refers to.</summary>
[GenerateSerializer]
[Alias("OrleansLog.Schemas.Schema")]
public sealed record Schema
{
    /// <summary>Creates a schema of <paramref name="type"/> from its text.</summary>
    public Schema(string text, SchemaType type = SchemaType.Avro, IReadOnlyList<SchemaReference>? references = null)
    {
        Text = text;
        Type = type;
        References = references ?? [];
    }

    /// <summary>The schema text (Avro JSON, a JSON Schema document or a <c>.proto</c> file).</summary>
    [Id(0)]
    public string Text { get; init; }

    /// <summary>The schema's language.</summary>
    [Id(1)]
    public SchemaType Type { get; init; }

    /// <summary>Other registered schemas this one uses, by the name it imports them under.</summary>
    [Id(2)]
    public IReadOnlyList<SchemaReference> References { get; init; }

    /// <summary>Schemas are equal when their text, type and references (in order) are.</summary>
    public bool Equals(Schema? other) =>
        other is not null && Text == other.Text && Type == other.Type && References.SequenceEqual(other.References);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Text, Type, References.Count);
}

/// <summary>A schema's use of another registered schema: <paramref name="Name"/> is how the schema refers to it (an Avro full name, a JSON Schema <c>$ref</c> URL or a <c>.proto</c> import path).</summary>
[GenerateSerializer]
[Alias("OrleansLog.Schemas.SchemaReference")]
public sealed record SchemaReference([property: Id(0)] string Name, [property: Id(1)] string Subject, [property: Id(2)] int Version);

/// <summary>A schema registered under a subject: its version there and its global id.</summary>
[GenerateSerializer]
[Alias("OrleansLog.Schemas.RegisteredSchema")]
public sealed record RegisteredSchema([property: Id(0)] string Subject, [property: Id(1)] int Version, [property: Id(2)] int Id, [property: Id(3)] Schema Schema);

/// <summary>One version of one subject.</summary>
[GenerateSerializer]
[Alias("OrleansLog.Schemas.SubjectVersion")]
public sealed record SubjectVersion([property: Id(0)] string Subject, [property: Id(1)] int Version);

/// <summary>The answer of a compatibility check: whether the schema may be registered, and why not.</summary>
[GenerateSerializer]
[Alias("OrleansLog.Schemas.CompatibilityResult")]
public sealed record CompatibilityResult([property: Id(0)] bool IsCompatible, [property: Id(1)] IReadOnlyList<string> Messages);
