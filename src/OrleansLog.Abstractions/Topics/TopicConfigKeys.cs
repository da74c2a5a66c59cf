namespace OrleansLog.Topics;

/// <summary>The names of the topic configuration keys, as Kafka spells them.</summary>
public static class TopicConfigKeys
{
    /// <summary><c>cleanup.policy</c></summary>
    public const string CleanupPolicy = "cleanup.policy";

    /// <summary><c>retention.ms</c></summary>
    public const string RetentionMs = "retention.ms";

    /// <summary><c>retention.bytes</c></summary>
    public const string RetentionBytes = "retention.bytes";

    /// <summary><c>segment.bytes</c></summary>
    public const string SegmentBytes = "segment.bytes";

    /// <summary><c>segment.ms</c></summary>
    public const string SegmentMs = "segment.ms";

    /// <summary><c>max.message.bytes</c></summary>
    public const string MaxMessageBytes = "max.message.bytes";

    /// <summary><c>message.timestamp.type</c></summary>
    public const string MessageTimestampType = "message.timestamp.type";

    /// <summary><c>flush.ms</c></summary>
    public const string FlushMs = "flush.ms";

    /// <summary><c>flush.bytes</c></summary>
    public const string FlushBytes = "flush.bytes";

    /// <summary><c>index.interval.bytes</c></summary>
    public const string IndexIntervalBytes = "index.interval.bytes";

    /// <summary><c>delete.retention.ms</c></summary>
    public const string DeleteRetentionMs = "delete.retention.ms";

    /// <summary><c>min.compaction.lag.ms</c></summary>
    public const string MinCompactionLagMs = "min.compaction.lag.ms";

    /// <summary><c>max.compaction.lag.ms</c></summary>
    public const string MaxCompactionLagMs = "max.compaction.lag.ms";

    /// <summary><c>min.cleanable.dirty.ratio</c></summary>
    public const string MinCleanableDirtyRatio = "min.cleanable.dirty.ratio";

    /// <summary><c>orleanslog.key.schema.validation</c>: OrleansLog's (Confluent Server calls it <c>confluent.key.schema.validation</c>).</summary>
    public const string KeySchemaValidation = "orleanslog.key.schema.validation";

    /// <summary><c>orleanslog.value.schema.validation</c>: OrleansLog's (Confluent Server calls it <c>confluent.value.schema.validation</c>).</summary>
    public const string ValueSchemaValidation = "orleanslog.value.schema.validation";
}
