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

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
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
