namespace OrleansLog.Client;

/// <summary>How a consumer fetches (Kafka's consumer settings).</summary>
public sealed record ConsumerOptions
{
    /// <summary>Kafka's <c>auto.offset.reset</c>: where to start without a valid position. Default <see cref="AutoOffsetReset.Latest"/>.</summary>
    public AutoOffsetReset AutoOffsetReset { get; init; } = AutoOffsetReset.Latest;

    /// <summary>Kafka's <c>max.partition.fetch.bytes</c>: about how many bytes one fetch of one partition returns.</summary>
    public int MaxPartitionFetchBytes { get; init; } = 1024 * 1024;

    /// <summary>Kafka's <c>fetch.max.wait.ms</c>: how long a fetch at the end of the log waits for new records.</summary>
    public TimeSpan FetchMaxWait { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many fetched bytes per partition may wait to be consumed; fetching pauses above it (prefetch depth).</summary>
    public int PrefetchBytesPerPartition { get; init; } = 4 * 1024 * 1024;

    /// <summary>Kafka's <c>check.crcs</c>: verify each batch's CRC-32C before handing out its records.</summary>
    public bool CheckCrcs { get; init; } = true;

    /// <summary>The most bytes one compressed batch may expand to; a batch that expands further is rejected as corrupt.</summary>
    public int MaxDecompressedBatchBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>The first wait before a failed fetch is retried (it doubles up to 1 s).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Kafka's <c>group.id</c>: the consumer group <see cref="Consumer{TKey, TValue}.Subscribe"/> joins and commits go to; null for a consumer that only assigns partitions and never commits.</summary>
    public string? GroupId { get; init; }

    /// <summary>Kafka's <c>group.instance.id</c>: makes the consumer a static member, which keeps its partitions across a restart within the session timeout.</summary>
    public string? GroupInstanceId { get; init; }

    /// <summary>Kafka's <c>client.id</c>: names the consumer in group descriptions.</summary>
    public string ClientId { get; init; } = "orleanslog";

    /// <summary>Kafka's <c>session.timeout.ms</c>: a member that does not heartbeat for this long is removed from the group and its partitions reassigned.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Kafka's <c>heartbeat.interval.ms</c>: the longest a heartbeat waits at the group for a change before it returns and the next one starts. Must be below <see cref="SessionTimeout"/>.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the consumer may take to give up partitions it was asked to revoke (including the revoked callback) before the group removes it.</summary>
    public TimeSpan RebalanceTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Kafka's <c>group.remote.assignor</c>: <c>cooperative-sticky</c> (default), <c>range</c> or <c>roundrobin</c>; the group uses its first member's choice.</summary>
    public string PartitionAssignmentStrategy { get; init; } = "cooperative-sticky";

    /// <summary>Kafka's <c>enable.auto.commit</c>: commit the positions of consumed records every <see cref="AutoCommitInterval"/>, on revocation and on close.</summary>
    public bool EnableAutoCommit { get; init; } = true;

    /// <summary>Kafka's <c>auto.commit.interval.ms</c>.</summary>
    public TimeSpan AutoCommitInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (GroupId is not null)
        {
            Groups.GroupId.Validate(GroupId);
        }

        if (GroupInstanceId is { Length: 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(GroupInstanceId), GroupInstanceId, "ConsumerOptions.GroupInstanceId must be null (a dynamic member) or a non-empty id.");
        }

        if (SessionTimeout < TimeSpan.FromMilliseconds(500) || SessionTimeout > TimeSpan.FromMinutes(30))
        {
            throw new ArgumentOutOfRangeException(nameof(SessionTimeout), SessionTimeout, "ConsumerOptions.SessionTimeout must be 500 ms to 30 minutes.");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatInterval >= SessionTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(HeartbeatInterval), HeartbeatInterval, "ConsumerOptions.HeartbeatInterval must be positive and below SessionTimeout (Kafka advises a third of it).");
        }

        if (RebalanceTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RebalanceTimeout), RebalanceTimeout, "ConsumerOptions.RebalanceTimeout must be positive.");
        }

        if (AutoCommitInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(AutoCommitInterval), AutoCommitInterval, "ConsumerOptions.AutoCommitInterval must be positive.");
        }

        if (PartitionAssignmentStrategy is not ("cooperative-sticky" or "range" or "roundrobin"))
        {
            throw new ArgumentOutOfRangeException(nameof(PartitionAssignmentStrategy), PartitionAssignmentStrategy, "ConsumerOptions.PartitionAssignmentStrategy must be cooperative-sticky, range or roundrobin.");
        }

        if (MaxPartitionFetchBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPartitionFetchBytes), MaxPartitionFetchBytes, "ConsumerOptions.MaxPartitionFetchBytes must be positive.");
        }

        if (FetchMaxWait < TimeSpan.Zero || FetchMaxWait > TimeSpan.FromSeconds(30))
        {
            throw new ArgumentOutOfRangeException(nameof(FetchMaxWait), FetchMaxWait, "ConsumerOptions.FetchMaxWait must be 0 to 30 s.");
        }

        if (RetryBackoff < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryBackoff), RetryBackoff, "ConsumerOptions.RetryBackoff must not be negative.");
        }

        if (MaxDecompressedBatchBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDecompressedBatchBytes), MaxDecompressedBatchBytes, "ConsumerOptions.MaxDecompressedBatchBytes must be positive.");
        }

        if (!Enum.IsDefined(AutoOffsetReset))
        {
            throw new ArgumentOutOfRangeException(nameof(AutoOffsetReset), AutoOffsetReset, "ConsumerOptions.AutoOffsetReset must be Latest, Earliest or None.");
        }

        if (PrefetchBytesPerPartition < MaxPartitionFetchBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(PrefetchBytesPerPartition), PrefetchBytesPerPartition, "ConsumerOptions.PrefetchBytesPerPartition must be at least MaxPartitionFetchBytes.");
        }
    }
}
