namespace OrleansLog.Client.Schemas;

/// <summary>The subject names of <see cref="SubjectNameStrategy"/>, as Confluent's serializers spell them.</summary>
internal static class SubjectNames
{
    /// <summary>
    /// The subject for a schema named <paramref name="recordName"/> (its full name; null for a schema without one) written as the
    /// <paramref name="component"/> of records of <paramref name="topic"/>.
    /// </summary>
    public static string Of(SubjectNameStrategy strategy, string topic, MessageComponent component, string? recordName) => strategy switch
    {
        SubjectNameStrategy.Topic => component == MessageComponent.Key ? $"{topic}-key" : $"{topic}-value",
        SubjectNameStrategy.Record => RequireName(strategy, recordName),
        SubjectNameStrategy.TopicRecord => $"{topic}-{RequireName(strategy, recordName)}",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, $"Unknown subject name strategy {strategy}; use Topic, Record or TopicRecord."),
    };

    private static string RequireName(SubjectNameStrategy strategy, string? recordName) =>
        string.IsNullOrEmpty(recordName)
            ? throw new SchemaSerializationException(
                Errors.ErrorCode.InvalidRecord,
                $"Subject name strategy {strategy} needs a named schema (an Avro record, enum or fixed, or a JSON Schema with a title); this schema has no name. Use SubjectNameStrategy.Topic.")
            : recordName;
}
