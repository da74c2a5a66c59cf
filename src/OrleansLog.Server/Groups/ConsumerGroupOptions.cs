namespace OrleansLog.Groups;

/// <summary>How consumer group grains run.</summary>
public sealed class ConsumerGroupOptions
{
    /// <summary>How often a group re-reads its subscribed topics' partition counts, so new topics and partitions get assigned.</summary>
    public TimeSpan MetadataRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a group checks for members whose session or rebalance timeout passed.</summary>
    public TimeSpan ExpiryCheckInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
