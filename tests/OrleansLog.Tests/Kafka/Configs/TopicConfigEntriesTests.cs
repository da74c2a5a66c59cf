using OrleansLog.Kafka.Configs;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Kafka.Configs;

public sealed class TopicConfigEntriesTests
{
    [Fact]
    public void Every_topic_config_key_is_described_once_in_key_order_with_a_type_and_documentation()
    {
        var entries = TopicConfigEntries.Describe(TopicConfig.Default, new Dictionary<string, string>());

        Assert.Equal(TopicConfig.Keys.Keys.Order(StringComparer.Ordinal), entries.Select(e => e.Name));
        Assert.All(entries, e =>
        {
            Assert.NotEqual(ConfigType.Unknown, e.Type);
            Assert.Equal(TopicConfig.Keys[e.Name], e.Documentation);
            Assert.Equal(ConfigSource.DefaultConfig, e.Source);
            Assert.True(e.IsDefault);
            Assert.Equal([(TopicConfig.Default.ToDictionary()[e.Name], ConfigSource.DefaultConfig)], e.Synonyms);
        });
    }

    [Fact]
    public void An_override_is_the_value_with_the_topic_as_source_and_the_default_as_its_second_synonym()
    {
        var overrides = new Dictionary<string, string> { [TopicConfigKeys.RetentionMs] = "60000", [TopicConfigKeys.MessageTimestampType] = " LogAppendTime" };

        var entries = TopicConfigEntries.Describe(TopicConfig.Parse(overrides), overrides).ToDictionary(e => e.Name);

        var retention = entries[TopicConfigKeys.RetentionMs];
        Assert.Equal(("60000", ConfigSource.TopicConfig, ConfigType.Long, false), (retention.Value, retention.Source, retention.Type, retention.IsDefault));
        Assert.Equal([("60000", ConfigSource.TopicConfig), ("604800000", ConfigSource.DefaultConfig)], retention.Synonyms);

        // The value is the effective one; the synonym keeps the override as it was given.
        var timestampType = entries[TopicConfigKeys.MessageTimestampType];
        Assert.Equal(("LogAppendTime", ConfigType.String), (timestampType.Value, timestampType.Type));
        Assert.Equal(" LogAppendTime", timestampType.Synonyms[0].Value);
        Assert.Equal(ConfigType.List, entries[TopicConfigKeys.CleanupPolicy].Type);
        Assert.Equal(ConfigSource.DefaultConfig, entries[TopicConfigKeys.SegmentBytes].Source);
    }
}
