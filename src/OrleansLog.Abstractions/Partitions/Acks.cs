namespace OrleansLog.Partitions;

/// <summary>When a produce request counts as done; the values match Kafka's <c>acks</c> setting.</summary>
public enum Acks : short
{
    /// <summary>The producer does not wait for the partition at all.</summary>
    None = 0,

    /// <summary>Acknowledged once the partition has appended the batch to its in-memory tail; a crash can lose what was not yet flushed.</summary>
    Leader = 1,

    /// <summary>Acknowledged once the batch is durable in blob storage (the default).</summary>
    All = -1,
}
