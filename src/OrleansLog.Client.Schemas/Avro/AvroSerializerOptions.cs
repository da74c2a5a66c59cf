namespace OrleansLog.Client.Schemas;

/// <summary>How an <see cref="AvroSerializer{T}"/> finds its schema's id; the names of Confluent's <c>AvroSerializerConfig</c>.</summary>
public sealed record AvroSerializerOptions
{
    /// <summary>Register the writer's schema under its subject when it is not there yet; when false, it must be registered already.</summary>
    public bool AutoRegisterSchemas { get; init; } = true;

    /// <summary>
    /// Write with the subject's latest registered schema (and its id) instead of the value's own; needs <see cref="AutoRegisterSchemas"/> off,
    /// as Confluent's serializer does. The latest version is read once per serializer, with the schemas it references: the way to write with a
    /// schema registered with references.
    /// </summary>
    public bool UseLatestVersion { get; init; }

    /// <summary>Ask the registry to normalize the schema before registering or looking it up (Confluent's <c>normalize=true</c>).</summary>
    public bool NormalizeSchemas { get; init; }

    /// <summary>How the subject is named: <see cref="SubjectNameStrategy.Topic"/> (the default), record or topic-record.</summary>
    public SubjectNameStrategy SubjectNameStrategy { get; init; } = SubjectNameStrategy.Topic;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid or contradictory option.</summary>
    public void Validate() => SerializerOptionRules.Validate(AutoRegisterSchemas, UseLatestVersion, SubjectNameStrategy);
}
