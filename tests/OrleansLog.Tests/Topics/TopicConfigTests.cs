using OrleansLog.Errors;
using OrleansLog.Records;
using OrleansLog.Topics;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.Tests.Topics;

public sealed class TopicConfigTests
{
    private static TopicConfig ParseOne(string key, string value) => TopicConfig.Parse(new Dictionary<string, string> { [key] = value });

    [Fact]
    public void Parse_without_overrides_gives_the_documented_defaults()
    {
        foreach (var config in new[] { TopicConfig.Parse(null), TopicConfig.Parse(new Dictionary<string, string>()), TopicConfig.Default })
        {
            Assert.Equal(CleanupPolicy.Delete, config.CleanupPolicy);
            Assert.Equal(604_800_000L, config.RetentionMs);
            Assert.Equal(-1L, config.RetentionBytes);
            Assert.Equal(134_217_728, config.SegmentBytes);
            Assert.Equal(604_800_000L, config.SegmentMs);
            Assert.Equal(1_048_588, config.MaxMessageBytes);
            Assert.Equal(TimestampType.CreateTime, config.MessageTimestampType);
            Assert.Equal(50L, config.FlushMs);
            Assert.Equal(1_048_576, config.FlushBytes);
            Assert.Equal(4096, config.IndexIntervalBytes);
            Assert.Equal(86_400_000L, config.DeleteRetentionMs);
            Assert.Equal(0L, config.MinCompactionLagMs);
            Assert.Equal(long.MaxValue, config.MaxCompactionLagMs);
            Assert.Equal(0.5, config.MinCleanableDirtyRatio);
            Assert.Equal(TopicConfig.Default, config);
        }
    }

    [Fact]
    public void Parse_applies_every_key()
    {
        var config = TopicConfig.Parse(new Dictionary<string, string>
        {
            ["cleanup.policy"] = "delete",
            ["retention.ms"] = "3600000",
            ["retention.bytes"] = "1073741824",
            ["segment.bytes"] = "1048576",
            ["segment.ms"] = "60000",
            ["max.message.bytes"] = "4194304",
            ["message.timestamp.type"] = "LogAppendTime",
            ["flush.ms"] = "0",
            ["flush.bytes"] = "65536",
            ["index.interval.bytes"] = "512",
            ["delete.retention.ms"] = "1000",
            ["min.compaction.lag.ms"] = "2000",
            ["max.compaction.lag.ms"] = "3000",
            ["min.cleanable.dirty.ratio"] = "0.25",
        });

        Assert.Equal(CleanupPolicy.Delete, config.CleanupPolicy);
        Assert.Equal(3_600_000L, config.RetentionMs);
        Assert.Equal(1_073_741_824L, config.RetentionBytes);
        Assert.Equal(1_048_576, config.SegmentBytes);
        Assert.Equal(60_000L, config.SegmentMs);
        Assert.Equal(4_194_304, config.MaxMessageBytes);
        Assert.Equal(TimestampType.LogAppendTime, config.MessageTimestampType);
        Assert.Equal(0L, config.FlushMs);
        Assert.Equal(65_536, config.FlushBytes);
        Assert.Equal(512, config.IndexIntervalBytes);
        Assert.Equal((1000L, 2000L, 3000L, 0.25), (config.DeleteRetentionMs, config.MinCompactionLagMs, config.MaxCompactionLagMs, config.MinCleanableDirtyRatio));
    }

    [Theory]
    [InlineData("delete", CleanupPolicy.Delete, "delete")]
    [InlineData("compact", CleanupPolicy.Compact, "compact")]
    [InlineData("compact,delete", CleanupPolicy.CompactDelete, "compact,delete")]
    [InlineData(" delete , compact ", CleanupPolicy.CompactDelete, "compact,delete")]
    [InlineData("compact,compact", CleanupPolicy.Compact, "compact")]
    public void Cleanup_policy_is_a_list_of_delete_and_compact_in_any_order(string value, CleanupPolicy policy, string shown)
    {
        var config = ParseOne("cleanup.policy", value);

        Assert.Equal((policy, shown), (config.CleanupPolicy, config.ToDictionary()["cleanup.policy"]));
        Assert.Equal(policy != CleanupPolicy.Delete, config.Compacts);
        Assert.Equal(policy != CleanupPolicy.Compact, config.Deletes);
    }

    [Fact]
    public void Parse_leaves_the_keys_not_given_at_their_defaults()
    {
        var config = ParseOne("retention.ms", "1000");

        Assert.Equal(TopicConfig.Default with { RetentionMs = 1000 }, config);
    }

    [Theory]
    [InlineData("retention.ms", "-1")]
    [InlineData("retention.ms", "0")]
    [InlineData("retention.ms", "9223372036854775807")]
    [InlineData("retention.bytes", "-1")]
    [InlineData("retention.bytes", "0")]
    [InlineData("segment.bytes", "1024")]
    [InlineData("segment.bytes", "2147483647")]
    [InlineData("segment.ms", "1")]
    [InlineData("max.message.bytes", "0")]
    [InlineData("max.message.bytes", "4194304")]
    [InlineData("message.timestamp.type", "CreateTime")]
    [InlineData("message.timestamp.type", " LogAppendTime ")]
    [InlineData("cleanup.policy", " delete ")]
    [InlineData("flush.ms", "0")]
    [InlineData("flush.bytes", "1")]
    [InlineData("flush.bytes", "4194304")]
    [InlineData("index.interval.bytes", "0")]
    [InlineData("index.interval.bytes", "+4096")]
    [InlineData("delete.retention.ms", "0")]
    [InlineData("min.compaction.lag.ms", "0")]
    [InlineData("max.compaction.lag.ms", "1")]
    [InlineData("min.cleanable.dirty.ratio", "0")]
    [InlineData("min.cleanable.dirty.ratio", "1")]
    [InlineData("min.cleanable.dirty.ratio", "0.75")]
    public void Parse_accepts_values_at_the_edges_of_each_range(string key, string value)
    {
        var config = ParseOne(key, value);

        // The value shows up again, normalised, in the describe view.
        var shown = config.ToDictionary()[key];
        Assert.Equal(value.Trim().TrimStart('+'), shown);
    }

    [Theory]
    [InlineData("retention.ms", "-2")]
    [InlineData("retention.ms", "abc")]
    [InlineData("retention.ms", "")]
    [InlineData("retention.ms", "1.5")]
    [InlineData("retention.ms", "9223372036854775808")]
    [InlineData("retention.bytes", "-2")]
    [InlineData("retention.bytes", "-9223372036854775808")]
    [InlineData("segment.bytes", "1023")]
    [InlineData("segment.bytes", "0")]
    [InlineData("segment.bytes", "2147483648")]
    [InlineData("segment.ms", "0")]
    [InlineData("segment.ms", "-1")]
    [InlineData("max.message.bytes", "4194305")]
    [InlineData("max.message.bytes", "-1")]
    [InlineData("message.timestamp.type", "NoTimestampType")]
    [InlineData("message.timestamp.type", "createtime")]
    [InlineData("message.timestamp.type", "0")]
    [InlineData("flush.ms", "-1")]
    [InlineData("flush.bytes", "0")]
    [InlineData("flush.bytes", "4194305")]
    [InlineData("index.interval.bytes", "-1")]
    [InlineData("index.interval.bytes", "2147483648")]
    [InlineData("cleanup.policy", "compacted")]
    [InlineData("cleanup.policy", "delete,remove")]
    [InlineData("cleanup.policy", "")]
    [InlineData("delete.retention.ms", "-1")]
    [InlineData("min.compaction.lag.ms", "-1")]
    [InlineData("max.compaction.lag.ms", "0")]
    [InlineData("min.cleanable.dirty.ratio", "1.5")]
    [InlineData("min.cleanable.dirty.ratio", "-0.1")]
    [InlineData("min.cleanable.dirty.ratio", "NaN")]
    [InlineData("min.cleanable.dirty.ratio", "half")]
    public void Parse_rejects_a_bad_value_with_a_message_naming_the_key(string key, string value)
    {
        var ex = Assert.Throws<InvalidConfigException>(() => ParseOne(key, value));

        Assert.Contains(key, ex.Message);
        Assert.Contains($"'{value}'", ex.Message);
        Assert.Equal(ErrorCode.InvalidConfig, ex.ErrorCode);
    }

    [Theory]
    [InlineData("retention.hours")]
    [InlineData("RETENTION.MS")]
    [InlineData("min.insync.replicas")]
    [InlineData("")]
    public void Parse_rejects_an_unknown_key_naming_it_and_the_known_keys(string key)
    {
        var ex = Assert.Throws<InvalidConfigException>(() => ParseOne(key, "1"));

        Assert.Contains($"'{key}'", ex.Message);
        foreach (var known in TopicConfig.Keys.Keys)
        {
            Assert.Contains(known, ex.Message);
        }
    }

    [Fact]
    public void Keys_lists_every_key_constant_with_a_description()
    {
        var constants = typeof(TopicConfigKeys).GetFields().Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal);

        Assert.Equal(constants, TopicConfig.Keys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(16, TopicConfig.Keys.Count);
        Assert.All(TopicConfig.Keys.Values, description => Assert.False(string.IsNullOrWhiteSpace(description)));
    }

    [Fact]
    public void ToDictionary_lists_every_key_in_Keys_in_ordinal_order_with_the_default_values()
    {
        var shown = TopicConfig.Default.ToDictionary();

        Assert.Equal(TopicConfig.Keys.Keys.Order(StringComparer.Ordinal), shown.Keys);
        Assert.Equal("delete", shown["cleanup.policy"]);
        Assert.Equal("604800000", shown["retention.ms"]);
        Assert.Equal("-1", shown["retention.bytes"]);
        Assert.Equal("134217728", shown["segment.bytes"]);
        Assert.Equal("604800000", shown["segment.ms"]);
        Assert.Equal("1048588", shown["max.message.bytes"]);
        Assert.Equal("CreateTime", shown["message.timestamp.type"]);
        Assert.Equal("50", shown["flush.ms"]);
        Assert.Equal("1048576", shown["flush.bytes"]);
        Assert.Equal("4096", shown["index.interval.bytes"]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ToDictionary_parses_back_to_the_same_config_for_random_valid_configs(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 100; i++)
        {
            var config = TopicConfig.Default with
            {
                RetentionMs = random.Next(2) == 0 ? -1 : random.NextInt64(0, long.MaxValue),
                RetentionBytes = random.Next(2) == 0 ? -1 : random.NextInt64(0, long.MaxValue),
                SegmentBytes = random.Next(1024, int.MaxValue),
                SegmentMs = random.NextInt64(1, long.MaxValue),
                MaxMessageBytes = random.Next(0, TopicConfig.MaxMessageBytesLimit + 1),
                MessageTimestampType = random.Next(2) == 0 ? TimestampType.CreateTime : TimestampType.LogAppendTime,
                FlushMs = random.NextInt64(0, long.MaxValue),
                FlushBytes = random.Next(1, TopicConfig.MaxMessageBytesLimit + 1),
                IndexIntervalBytes = random.Next(0, int.MaxValue),
            };

            Assert.Equal(config, TopicConfig.Parse(config.ToDictionary()));
        }
    }
}
