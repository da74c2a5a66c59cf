namespace OrleansLog.Topics;

/// <summary>What a topic does with old records (Kafka's <c>cleanup.policy</c>).</summary>
public enum CleanupPolicy
{
    /// <summary><c>delete</c>: delete whole sealed segments past <c>retention.ms</c> or beyond <c>retention.bytes</c>.</summary>
    Delete = 0,

    /// <summary><c>compact</c>: keep the newest record of every key (and a delete marker, a null value, for <c>delete.retention.ms</c>); offsets never change.</summary>
    Compact = 1,

    /// <summary><c>compact,delete</c>: compact, and also delete sealed segments past <c>retention.ms</c> or beyond <c>retention.bytes</c>.</summary>
    CompactDelete = 2,
}
