using OrleansLog.Topics;

namespace OrleansLog.Kafka.Configs;

/// <summary>A topic's configuration as Kafka clients see it: every key with its effective value, source, type and documentation.</summary>
internal static class TopicConfigEntries
{
    // Kafka's types for the keys OrleansLog shares with it; flush.bytes is OrleansLog's own.
    private static readonly Dictionary<string, ConfigType> Types = new(StringComparer.Ordinal)
    {
        [TopicConfigKeys.CleanupPolicy] = ConfigType.List,
        [TopicConfigKeys.RetentionMs] = ConfigType.Long,
        [TopicConfigKeys.RetentionBytes] = ConfigType.Long,
        [TopicConfigKeys.SegmentBytes] = ConfigType.Int,
        [TopicConfigKeys.SegmentMs] = ConfigType.Long,
        [TopicConfigKeys.MaxMessageBytes] = ConfigType.Int,
        [TopicConfigKeys.MessageTimestampType] = ConfigType.String,
        [TopicConfigKeys.FlushMs] = ConfigType.Long,
        [TopicConfigKeys.FlushBytes] = ConfigType.Int,
        [TopicConfigKeys.IndexIntervalBytes] = ConfigType.Int,
        [TopicConfigKeys.DeleteRetentionMs] = ConfigType.Long,
        [TopicConfigKeys.MinCompactionLagMs] = ConfigType.Long,
        [TopicConfigKeys.MaxCompactionLagMs] = ConfigType.Long,
        [TopicConfigKeys.MinCleanableDirtyRatio] = ConfigType.Double,
        [TopicConfigKeys.KeySchemaValidation] = ConfigType.Boolean,
        [TopicConfigKeys.ValueSchemaValidation] = ConfigType.Boolean,
    };

    /// <summary>The data type of <paramref name="key"/>; <see cref="ConfigType.Unknown"/> for a key this table does not know.</summary>
    public static ConfigType TypeOf(string key) => Types.GetValueOrDefault(key, ConfigType.Unknown);

    /// <summary>Every config of a topic, in key order.</summary>
    /// <param name="config">The topic's effective configuration.</param>
    /// <param name="overrides">The keys the topic sets, with the values as they were given.</param>
    public static IReadOnlyList<ConfigEntry> Describe(TopicConfig config, IReadOnlyDictionary<string, string> overrides)
    {
        var defaults = TopicConfig.Default.ToDictionary();
        var entries = new List<ConfigEntry>(defaults.Count);
        foreach (var (name, value) in config.ToDictionary())
        {
            var synonyms = new List<(string, ConfigSource)>(2);
            if (overrides.TryGetValue(name, out var set))
            {
                synonyms.Add((set, ConfigSource.TopicConfig));
            }

            synonyms.Add((defaults[name], ConfigSource.DefaultConfig));
            var source = overrides.ContainsKey(name) ? ConfigSource.TopicConfig : ConfigSource.DefaultConfig;
            entries.Add(new ConfigEntry(name, value, source, TypeOf(name), TopicConfig.Keys.GetValueOrDefault(name), synonyms));
        }

        return entries;
    }

    /// <summary>Every config of <paramref name="topic"/>, in key order.</summary>
    public static IReadOnlyList<ConfigEntry> Describe(TopicDescription topic) => Describe(topic.Config, topic.ConfigOverrides);
}
