using System.Text.Json;

namespace OrleansLog.Client.Schemas;

/// <summary>How a <see cref="JsonSchemaSerializer{T}"/> writes values and finds its schema's id; the names of Confluent's <c>JsonSerializerConfig</c>.</summary>
public sealed record JsonSchemaSerializerOptions
{
    /// <summary>The JSON Schema document to register; null generates one from the value type with NJsonSchema, as Confluent's serializer does.</summary>
    public string? Schema { get; init; }

    /// <summary>How System.Text.Json writes values (and, for a generated schema, names their properties); null for its defaults.</summary>
    public JsonSerializerOptions? SerializerOptions { get; init; }

    /// <summary>Check each value against the schema before writing it, and refuse one that does not conform (Confluent's default: on).</summary>
    public bool Validate { get; init; } = true;

    /// <summary>Register the schema under its subject when it is not there yet; when false, it must be registered already.</summary>
    public bool AutoRegisterSchemas { get; init; } = true;

    /// <summary>Write with the id of the subject's latest registered schema; needs <see cref="AutoRegisterSchemas"/> off. Read once per serializer.</summary>
    public bool UseLatestVersion { get; init; }

    /// <summary>Ask the registry to normalize the schema before registering or looking it up (Confluent's <c>normalize=true</c>).</summary>
    public bool NormalizeSchemas { get; init; }

    /// <summary>How the subject is named: <see cref="SubjectNameStrategy.Topic"/> (the default), or by the schema's <c>title</c>.</summary>
    public SubjectNameStrategy SubjectNameStrategy { get; init; } = SubjectNameStrategy.Topic;

    // Not named Validate(): that is Confluent's name for the payload check above.
    internal void ThrowIfInvalid() => SerializerOptionRules.Validate(AutoRegisterSchemas, UseLatestVersion, SubjectNameStrategy);
}
