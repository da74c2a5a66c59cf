namespace OrleansLog.Topics;

/// <summary>What a topic does with old segments (Kafka's <c>cleanup.policy</c>).</summary>
public enum CleanupPolicy
{
    /// <summary>Delete whole sealed segments past <c>retention.ms</c> or beyond <c>retention.bytes</c>.</summary>
    Delete = 0,
}
