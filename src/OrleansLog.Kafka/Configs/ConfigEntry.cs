namespace OrleansLog.Kafka.Configs;

/// <summary>One config of a topic or broker as Kafka's DescribeConfigs and CreateTopics (v5+) describe it.</summary>
/// <param name="Name">The config's Kafka name.</param>
/// <param name="Value">The effective value.</param>
/// <param name="Source">Where the value comes from: the topic, the broker's settings or the default.</param>
/// <param name="Type">The config's data type.</param>
/// <param name="Documentation">What the config does, in a sentence.</param>
/// <param name="Synonyms">The values the config could take from each source, highest precedence first (a topic's override, then the default).</param>
internal sealed record ConfigEntry(
    string Name,
    string Value,
    ConfigSource Source,
    ConfigType Type,
    string? Documentation,
    IReadOnlyList<(string Value, ConfigSource Source)> Synonyms)
{
    /// <summary>Whether no override sets the config.</summary>
    public bool IsDefault => Source == ConfigSource.DefaultConfig;
}
