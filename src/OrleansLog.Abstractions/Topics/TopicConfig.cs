using System.Globalization;
using OrleansLog.Errors;

namespace OrleansLog.Topics;

/// <summary>A topic's effective configuration, with Kafka's names and meanings.</summary>
[GenerateSerializer, Immutable]
public sealed record TopicConfig
{
    /// <summary>The largest record batch a partition accepts (the append-blob block limit caps it at 4 MiB).</summary>
    public const int MaxMessageBytesLimit = 4 * 1024 * 1024;

    /// <summary>The configuration every key's default gives.</summary>
    public static TopicConfig Default { get; } = new();

    /// <summary>Every configuration key a topic accepts, with a one-line description.</summary>
    public static IReadOnlyDictionary<string, string> Keys { get; } = new Dictionary<string, string>
    {
        [TopicConfigKeys.CleanupPolicy] = "What happens to old records: 'delete' (retention), 'compact' (the newest record per key stays) or 'compact,delete' (both).",
        [TopicConfigKeys.RetentionMs] = "Delete sealed segments whose newest record is older than this many ms; -1 keeps them forever.",
        [TopicConfigKeys.RetentionBytes] = "Delete the oldest sealed segments while a partition holds more than this many bytes; -1 for no limit.",
        [TopicConfigKeys.SegmentBytes] = "Seal the active segment when it reaches this many bytes.",
        [TopicConfigKeys.SegmentMs] = "Seal the active segment when it is this many ms old.",
        [TopicConfigKeys.MaxMessageBytes] = "The largest record batch a partition accepts, in bytes (at most 4 MiB).",
        [TopicConfigKeys.MessageTimestampType] = "'CreateTime' keeps the producer's timestamps; 'LogAppendTime' stamps the partition's clock.",
        [TopicConfigKeys.FlushMs] = "How long acks=Leader data may wait in memory before it is written to blob storage.",
        [TopicConfigKeys.FlushBytes] = "Write to blob storage as soon as this many unflushed bytes are waiting (at most 4 MiB).",
        [TopicConfigKeys.IndexIntervalBytes] = "Add a sparse index entry every this many bytes of segment data.",
        [TopicConfigKeys.DeleteRetentionMs] = "Compacted topics: how long a delete marker (a record with a null value) stays after the compaction that first kept it.",
        [TopicConfigKeys.MinCompactionLagMs] = "Compacted topics: a record stays uncompacted for at least this many ms.",
        [TopicConfigKeys.MaxCompactionLagMs] = "Compacted topics: a sealed segment is compacted at the latest this many ms after its newest record, whatever the dirty ratio.",
        [TopicConfigKeys.MinCleanableDirtyRatio] = "Compacted topics: compact when the share of sealed bytes not yet compacted reaches this ratio (0 to 1).",
        [TopicConfigKeys.KeySchemaValidation] = "'true': refuse a batch whose non-null keys do not start with the id of a schema registered under '<topic>-key' (Confluent's wire format).",
        [TopicConfigKeys.ValueSchemaValidation] = "'true': refuse a batch whose non-null values do not start with the id of a schema registered under '<topic>-value' (Confluent's wire format).",
    };

    /// <summary>Kafka's <c>cleanup.policy</c>.</summary>
    [Id(0)]
    public CleanupPolicy CleanupPolicy { get; init; } = CleanupPolicy.Delete;

    /// <summary>Kafka's <c>retention.ms</c>; -1 keeps data forever.</summary>
    [Id(1)]
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>Kafka's <c>retention.bytes</c> per partition; -1 for no limit.</summary>
    [Id(2)]
    public long RetentionBytes { get; init; } = -1;

    /// <summary>Kafka's <c>segment.bytes</c>.</summary>
    [Id(3)]
    public int SegmentBytes { get; init; } = 128 * 1024 * 1024;

    /// <summary>Kafka's <c>segment.ms</c>.</summary>
    [Id(4)]
    public long SegmentMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary>Kafka's <c>max.message.bytes</c>: the largest batch accepted.</summary>
    [Id(5)]
    public int MaxMessageBytes { get; init; } = 1024 * 1024 + 12;

    /// <summary>Kafka's <c>message.timestamp.type</c>.</summary>
    [Id(6)]
    public Records.TimestampType MessageTimestampType { get; init; } = Records.TimestampType.CreateTime;

    /// <summary>OrleansLog's <c>flush.ms</c>: the longest acks=Leader data waits before it is flushed.</summary>
    [Id(7)]
    public long FlushMs { get; init; } = 50;

    /// <summary>OrleansLog's <c>flush.bytes</c>: flush as soon as this much is waiting.</summary>
    [Id(8)]
    public int FlushBytes { get; init; } = 1024 * 1024;

    /// <summary>Kafka's <c>index.interval.bytes</c>.</summary>
    [Id(9)]
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary>Kafka's <c>delete.retention.ms</c>: how long a delete marker stays in a compacted topic, counted from the compaction that first kept it.</summary>
    [Id(10)]
    public long DeleteRetentionMs { get; init; } = 24L * 60 * 60 * 1000;

    /// <summary>Kafka's <c>min.compaction.lag.ms</c>: the youngest a record can be and still be compacted.</summary>
    [Id(11)]
    public long MinCompactionLagMs { get; init; }

    /// <summary>Kafka's <c>max.compaction.lag.ms</c>: the oldest a sealed, uncompacted record can get before compaction runs regardless of the dirty ratio.</summary>
    [Id(12)]
    public long MaxCompactionLagMs { get; init; } = long.MaxValue;

    /// <summary>Kafka's <c>min.cleanable.dirty.ratio</c>: the share of uncompacted bytes among the sealed ones at which compaction starts.</summary>
    [Id(13)]
    public double MinCleanableDirtyRatio { get; init; } = 0.5;

    /// <summary><c>orleanslog.key.schema.validation</c>: every non-null key must carry the id of a schema registered under <c>&lt;topic&gt;-key</c>.</summary>
    [Id(14)]
    public bool KeySchemaValidation { get; init; }

    /// <summary><c>orleanslog.value.schema.validation</c>: every non-null value must carry the id of a schema registered under <c>&lt;topic&gt;-value</c>.</summary>
    [Id(15)]
    public bool ValueSchemaValidation { get; init; }

    /// <summary>True when the partition checks schema ids on append.</summary>
    public bool ValidatesSchemas => KeySchemaValidation || ValueSchemaValidation;

    /// <summary>True when the policy compacts (<c>compact</c> or <c>compact,delete</c>).</summary>
    public bool Compacts => CleanupPolicy is CleanupPolicy.Compact or CleanupPolicy.CompactDelete;

    /// <summary>True when the policy deletes by retention (<c>delete</c> or <c>compact,delete</c>).</summary>
    public bool Deletes => CleanupPolicy is CleanupPolicy.Delete or CleanupPolicy.CompactDelete;

    /// <summary>Applies <paramref name="overrides"/> to the defaults, rejecting unknown keys and bad values with <see cref="InvalidConfigException"/>.</summary>
    public static TopicConfig Parse(IReadOnlyDictionary<string, string>? overrides)
    {
        var config = Default;
        if (overrides is null)
        {
            return config;
        }

        foreach (var (key, value) in overrides)
        {
            config = config.With(key, value);
        }

        return config;
    }

    /// <summary>Every key with its effective value, as Kafka's describe shows them.</summary>
    public IReadOnlyDictionary<string, string> ToDictionary() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [TopicConfigKeys.CleanupPolicy] = CleanupPolicy switch
        {
            CleanupPolicy.Compact => "compact",
            CleanupPolicy.CompactDelete => "compact,delete",
            _ => "delete",
        },
        [TopicConfigKeys.RetentionMs] = Format(RetentionMs),
        [TopicConfigKeys.RetentionBytes] = Format(RetentionBytes),
        [TopicConfigKeys.SegmentBytes] = Format(SegmentBytes),
        [TopicConfigKeys.SegmentMs] = Format(SegmentMs),
        [TopicConfigKeys.MaxMessageBytes] = Format(MaxMessageBytes),
        [TopicConfigKeys.MessageTimestampType] = MessageTimestampType.ToString(),
        [TopicConfigKeys.FlushMs] = Format(FlushMs),
        [TopicConfigKeys.FlushBytes] = Format(FlushBytes),
        [TopicConfigKeys.IndexIntervalBytes] = Format(IndexIntervalBytes),
        [TopicConfigKeys.DeleteRetentionMs] = Format(DeleteRetentionMs),
        [TopicConfigKeys.MinCompactionLagMs] = Format(MinCompactionLagMs),
        [TopicConfigKeys.MaxCompactionLagMs] = Format(MaxCompactionLagMs),
        [TopicConfigKeys.MinCleanableDirtyRatio] = MinCleanableDirtyRatio.ToString(CultureInfo.InvariantCulture),
        [TopicConfigKeys.KeySchemaValidation] = Format(KeySchemaValidation),
        [TopicConfigKeys.ValueSchemaValidation] = Format(ValueSchemaValidation),
    };

    private TopicConfig With(string key, string value) => key switch
    {
        TopicConfigKeys.CleanupPolicy => this with { CleanupPolicy = ParseCleanupPolicy(value) },
        TopicConfigKeys.RetentionMs => this with { RetentionMs = ParseLong(key, value, -1, long.MaxValue, "-1 (forever) or a positive number of ms") },
        TopicConfigKeys.RetentionBytes => this with { RetentionBytes = ParseLong(key, value, -1, long.MaxValue, "-1 (no limit) or a positive number of bytes") },
        TopicConfigKeys.SegmentBytes => this with { SegmentBytes = (int)ParseLong(key, value, 1024, int.MaxValue, "1024 to 2147483647 bytes") },
        TopicConfigKeys.SegmentMs => this with { SegmentMs = ParseLong(key, value, 1, long.MaxValue, "a positive number of ms") },
        TopicConfigKeys.MaxMessageBytes => this with { MaxMessageBytes = (int)ParseLong(key, value, 0, MaxMessageBytesLimit, "0 to 4194304 bytes (one append-blob block)") },
        TopicConfigKeys.MessageTimestampType => this with { MessageTimestampType = ParseTimestampType(value) },
        TopicConfigKeys.FlushMs => this with { FlushMs = ParseLong(key, value, 0, long.MaxValue, "0 or a positive number of ms") },
        TopicConfigKeys.FlushBytes => this with { FlushBytes = (int)ParseLong(key, value, 1, MaxMessageBytesLimit, "1 to 4194304 bytes") },
        TopicConfigKeys.IndexIntervalBytes => this with { IndexIntervalBytes = (int)ParseLong(key, value, 0, int.MaxValue, "0 or a positive number of bytes") },
        TopicConfigKeys.DeleteRetentionMs => this with { DeleteRetentionMs = ParseLong(key, value, 0, long.MaxValue, "0 or a positive number of ms") },
        TopicConfigKeys.MinCompactionLagMs => this with { MinCompactionLagMs = ParseLong(key, value, 0, long.MaxValue, "0 or a positive number of ms") },
        TopicConfigKeys.MaxCompactionLagMs => this with { MaxCompactionLagMs = ParseLong(key, value, 1, long.MaxValue, "a positive number of ms") },
        TopicConfigKeys.MinCleanableDirtyRatio => this with { MinCleanableDirtyRatio = ParseRatio(key, value) },
        TopicConfigKeys.KeySchemaValidation => this with { KeySchemaValidation = ParseBool(key, value) },
        TopicConfigKeys.ValueSchemaValidation => this with { ValueSchemaValidation = ParseBool(key, value) },
        _ => throw new InvalidConfigException($"Unknown topic config '{key}'. Known keys: {string.Join(", ", Keys.Keys)}."),
    };

    private static long ParseLong(string key, string value, long min, long max, string rule)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            throw new InvalidConfigException($"Invalid value '{value}' for {key}: expected {rule}.");
        }

        return parsed;
    }

    // Kafka takes a list: "compact,delete" and "delete,compact" are the same policy.
    private static CleanupPolicy ParseCleanupPolicy(string value)
    {
        var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var delete = false;
        var compact = false;
        foreach (var part in parts)
        {
            switch (part)
            {
                case "delete":
                    delete = true;
                    break;
                case "compact":
                    compact = true;
                    break;
                default:
                    throw new InvalidConfigException($"Invalid value '{value}' for cleanup.policy: expected 'delete', 'compact' or 'compact,delete'.");
            }
        }

        return (compact, delete) switch
        {
            (true, true) => CleanupPolicy.CompactDelete,
            (true, false) => CleanupPolicy.Compact,
            (false, true) => CleanupPolicy.Delete,
            _ => throw new InvalidConfigException($"Invalid value '{value}' for cleanup.policy: expected 'delete', 'compact' or 'compact,delete'."),
        };
    }

    private static double ParseRatio(string key, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || !(parsed >= 0 && parsed <= 1))
        {
            throw new InvalidConfigException($"Invalid value '{value}' for {key}: expected a ratio from 0 to 1.");
        }

        return parsed;
    }

    private static Records.TimestampType ParseTimestampType(string value) => value.Trim() switch
    {
        "CreateTime" => Records.TimestampType.CreateTime,
        "LogAppendTime" => Records.TimestampType.LogAppendTime,
        _ => throw new InvalidConfigException($"Invalid value '{value}' for message.timestamp.type: expected 'CreateTime' or 'LogAppendTime'."),
    };

    private static bool ParseBool(string key, string value) => value.Trim().ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw new InvalidConfigException($"Invalid value '{value}' for {key}: expected 'true' or 'false'."),
    };

    private static string Format(bool value) => value ? "true" : "false";

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
