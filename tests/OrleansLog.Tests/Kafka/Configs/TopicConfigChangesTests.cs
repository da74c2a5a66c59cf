using OrleansLog.Errors;
using OrleansLog.Kafka.Configs;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Kafka.Configs;

public sealed class TopicConfigChangesTests
{
    private static readonly Dictionary<string, string> Overrides = new(StringComparer.Ordinal)
    {
        [TopicConfigKeys.RetentionMs] = "1000",
        [TopicConfigKeys.SegmentBytes] = "2048",
    };

    [Fact]
    public void Replace_sets_the_configs_given_and_resets_every_other_key()
    {
        var changes = TopicConfigChanges.Replace([(TopicConfigKeys.RetentionMs, "5000"), (TopicConfigKeys.MaxMessageBytes, "4096")]);

        Assert.Equal(TopicConfig.Keys.Count, changes.Changes.Count);
        Assert.Equal("5000", changes.Changes[TopicConfigKeys.RetentionMs]);
        Assert.Equal("4096", changes.Changes[TopicConfigKeys.MaxMessageBytes]);
        Assert.Equal(TopicConfig.Keys.Count - 2, changes.Changes.Values.Count(v => v is null));
        Assert.Equal(
            new Dictionary<string, string> { [TopicConfigKeys.RetentionMs] = "5000", [TopicConfigKeys.MaxMessageBytes] = "4096" },
            changes.ApplyTo(Overrides));
    }

    [Fact]
    public void Replace_with_no_configs_resets_the_topic_to_the_defaults()
    {
        Assert.Empty(TopicConfigChanges.Replace([]).ApplyTo(Overrides));
    }

    [Fact]
    public void Replace_refuses_a_key_given_twice_and_a_null_value()
    {
        var twice = Assert.Throws<InvalidRequestException>(() => TopicConfigChanges.Replace([(TopicConfigKeys.RetentionMs, "1"), (TopicConfigKeys.RetentionMs, "2")]));
        Assert.Contains("'retention.ms' appears more than once", twice.Message, StringComparison.Ordinal);
        var nullValue = Assert.Throws<InvalidRequestException>(() => TopicConfigChanges.Replace([(TopicConfigKeys.RetentionMs, null)]));
        Assert.Contains("leave 'retention.ms' out to reset it", nullValue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_and_delete_change_only_the_keys_they_name()
    {
        var changes = TopicConfigChanges.Incremental(
            [(TopicConfigKeys.MaxMessageBytes, AlterConfigOperation.Set, "5000"), (TopicConfigKeys.RetentionMs, AlterConfigOperation.Delete, null)],
            Topic(Overrides));

        Assert.Equal(new Dictionary<string, string?> { [TopicConfigKeys.MaxMessageBytes] = "5000", [TopicConfigKeys.RetentionMs] = null }, changes.Changes);
        Assert.Equal(
            new Dictionary<string, string> { [TopicConfigKeys.SegmentBytes] = "2048", [TopicConfigKeys.MaxMessageBytes] = "5000" },
            changes.ApplyTo(Overrides));
    }

    [Fact]
    public void Append_adds_only_missing_values_to_the_effective_list_and_subtract_removes_them()
    {
        var topic = Topic([]);

        var again = TopicConfigChanges.Incremental([(TopicConfigKeys.CleanupPolicy, AlterConfigOperation.Append, "delete")], topic);
        var compact = TopicConfigChanges.Incremental([(TopicConfigKeys.CleanupPolicy, AlterConfigOperation.Append, "compact, delete")], topic);
        var none = TopicConfigChanges.Incremental([(TopicConfigKeys.CleanupPolicy, AlterConfigOperation.Subtract, "delete")], topic);

        Assert.Equal("delete", again.Changes[TopicConfigKeys.CleanupPolicy]);
        Assert.Equal("delete,compact", compact.Changes[TopicConfigKeys.CleanupPolicy]);
        Assert.Equal("", none.Changes[TopicConfigKeys.CleanupPolicy]);

        // TopicConfig's rule reads the list in any order, and refuses a list with neither policy when the change is applied.
        Assert.Equal("delete", again.ApplyTo(topic.ConfigOverrides)[TopicConfigKeys.CleanupPolicy]);
        Assert.Equal(CleanupPolicy.CompactDelete, TopicConfig.Parse(compact.ApplyTo(topic.ConfigOverrides)).CleanupPolicy);
        var refused = Assert.Throws<InvalidConfigException>(() => none.ApplyTo(topic.ConfigOverrides));
        Assert.Contains("Invalid value '' for cleanup.policy: expected 'delete', 'compact' or 'compact,delete'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_and_subtract_on_a_config_that_is_not_a_list_are_invalid_config()
    {
        foreach (var operation in new[] { AlterConfigOperation.Append, AlterConfigOperation.Subtract })
        {
            var error = Assert.Throws<InvalidConfigException>(() => TopicConfigChanges.Incremental([(TopicConfigKeys.RetentionMs, operation, "5")], Topic(Overrides)));
            Assert.Contains("'retention.ms': it is a long, and only list configs (cleanup.policy) take APPEND and SUBTRACT", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unknown_keys_bad_values_unknown_operations_nulls_and_repeats_are_refused()
    {
        var topic = Topic(Overrides);

        Assert.Contains("Unknown topic config 'no.such'", Assert.Throws<InvalidConfigException>(
            () => TopicConfigChanges.Incremental([("no.such", AlterConfigOperation.Delete, null)], topic)).Message, StringComparison.Ordinal);
        Assert.Contains("Unknown topic config 'no.such'", Assert.Throws<InvalidConfigException>(
            () => TopicConfigChanges.Incremental([("no.such", AlterConfigOperation.Set, "1")], topic).ApplyTo(topic.ConfigOverrides)).Message, StringComparison.Ordinal);
        Assert.Contains("Invalid value 'soon' for retention.ms", Assert.Throws<InvalidConfigException>(
            () => TopicConfigChanges.Incremental([(TopicConfigKeys.RetentionMs, AlterConfigOperation.Set, "soon")], topic).ApplyTo(topic.ConfigOverrides)).Message, StringComparison.Ordinal);
        Assert.Contains("operation 9 for 'retention.ms' is unknown", Assert.Throws<InvalidRequestException>(
            () => TopicConfigChanges.Incremental([(TopicConfigKeys.RetentionMs, (AlterConfigOperation)9, "1")], topic)).Message, StringComparison.Ordinal);
        Assert.Contains("null value for SET", Assert.Throws<InvalidRequestException>(
            () => TopicConfigChanges.Incremental([(TopicConfigKeys.RetentionMs, AlterConfigOperation.Set, null)], topic)).Message, StringComparison.Ordinal);
        Assert.Contains("appears more than once", Assert.Throws<InvalidRequestException>(
            () => TopicConfigChanges.Incremental(
                [(TopicConfigKeys.RetentionMs, AlterConfigOperation.Set, "1"), (TopicConfigKeys.RetentionMs, AlterConfigOperation.Delete, null)], topic)).Message, StringComparison.Ordinal);
    }

    private static TopicDescription Topic(Dictionary<string, string> overrides) =>
        new("t", Guid.NewGuid(), 1, TopicConfig.Parse(overrides), overrides, DateTimeOffset.UnixEpoch);
}
