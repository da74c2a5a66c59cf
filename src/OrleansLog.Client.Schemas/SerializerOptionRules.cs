namespace OrleansLog.Client.Schemas;

/// <summary>The option rules the Avro and JSON Schema serializers share.</summary>
internal static class SerializerOptionRules
{
    public static void Validate(bool autoRegisterSchemas, bool useLatestVersion, SubjectNameStrategy strategy)
    {
        if (autoRegisterSchemas && useLatestVersion)
        {
            throw new ArgumentException("UseLatestVersion writes with the subject's latest schema, so it cannot be combined with AutoRegisterSchemas; set AutoRegisterSchemas = false.");
        }

        if (!Enum.IsDefined(strategy))
        {
            throw new ArgumentException($"Unknown subject name strategy {strategy}; use Topic, Record or TopicRecord.");
        }
    }

    public static void ValidateTopic(string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
    }

    public static void ValidateComponent(MessageComponent component)
    {
        if (!Enum.IsDefined(component))
        {
            throw new ArgumentOutOfRangeException(nameof(component), component, "Use MessageComponent.Key or MessageComponent.Value.");
        }
    }
}
