namespace OrleansLog.Groups;

/// <summary>How consumer group grains run.</summary>
public sealed class ConsumerGroupOptions
{
    /// <summary>How often a group re-reads its subscribed topics' partition counts, so new topics and partitions get assigned.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a group checks for members whose session or rebalance timeout passed.</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Kafka's <c>group.initial.rebalance.delay.ms</c>: how long the first rebalance of an empty classic group waits for more members, so
    /// consumers started together share one rebalance instead of one each. Each member that arrives in the wait extends it, up to the
    /// rebalance timeout.
    /// </summary>
    public TimeSpan InitialRebalanceDelay { get; set; } = TimeSpan.FromSeconds(3);
}
