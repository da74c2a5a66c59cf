namespace OrleansLog.Client;

/// <summary>The special offsets a consumer can be assigned or seek to, as Kafka clients number them.</summary>
public static class Offset
{
    /// <summary>The first offset the partition still holds.</summary>
    public const long Beginning = -2;

    /// <summary>The offset the next record produced will get.</summary>
    public const long End = -1;

    /// <summary>No position yet: the consumer applies <see cref="ConsumerOptions.AutoOffsetReset"/>.</summary>
    public const long Unset = -1001;
}
