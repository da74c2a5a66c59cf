using OrleansLog.Client.Partitioning;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.Client;

/// <summary>How a producer batches, compresses, partitions and acknowledges records (Kafka's producer settings).</summary>
public sealed record ProducerOptions
{
    /// <summary>Kafka's <c>acks</c>: when a produce counts as done. Default <see cref="Acks.All"/> (durable in blob storage).</summary>
    public Acks Acks { get; init; } = Acks.All;

    /// <summary>Kafka's <c>linger.ms</c>: how long a partition's batch waits for more records before it is sent.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Kafka's <c>batch.size</c>: a partition's batch is sent once it holds this many bytes.</summary>
    public int BatchSize { get; init; } = 64 * 1024;

    /// <summary>Kafka's <c>max.request.size</c>: the most bytes one append call carries, and so the largest record.</summary>
    public int MaxRequestSize { get; init; } = 1024 * 1024;

    /// <summary>Kafka's <c>buffer.memory</c>: once this many bytes wait to be sent, producing waits (back-pressure).</summary>
    public long BufferMemory { get; init; } = 64L * 1024 * 1024;

    /// <summary>Kafka's <c>compression.type</c>.</summary>
    public CompressionType Compression { get; init; } = CompressionType.None;

    /// <summary>How keys map to partitions; the default matches Kafka's Java client (murmur2, sticky for null keys).</summary>
    public PartitionerType Partitioner { get; init; } = PartitionerType.Murmur2Random;

    /// <summary>Kafka's <c>delivery.timeout.ms</c>: how long a record may take, retries included, before it fails.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Kafka's <c>retry.backoff.ms</c>: the first wait before a retry (it doubles up to <see cref="RetryBackoffMax"/>).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Kafka's <c>retry.backoff.max.ms</c>.</summary>
    public TimeSpan RetryBackoffMax { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an idempotent producer waits for an append's answer before it sends the same bytes again beside it (at most
    /// three copies at a time, the oldest cancelled). A request that went through a gateway that died, or to a silo that died,
    /// gets no answer until the Orleans response timeout (30 s by default); the copy goes through a live gateway to wherever the
    /// partition lives now, and the partition recognises it by its sequence numbers, so the records are written once and the
    /// first answer wins. No equivalent in Kafka, whose requests fail with their connection. Zero turns it off; it never
    /// applies without idempotence.
    /// </summary>
    public TimeSpan ResendInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Kafka's <c>enable.idempotence</c>: batches carry a producer id and sequence numbers, so a retried batch is written once
    /// and in order. Unset means on with <see cref="Acks.All"/> and off otherwise (as in Kafka); true requires <see cref="Acks.All"/>.
    /// </summary>
    public bool? EnableIdempotence { get; init; }

    /// <summary>Whether this producer runs idempotent, after applying the default of <see cref="EnableIdempotence"/>.</summary>
    public bool IsIdempotent => EnableIdempotence ?? Acks == Acks.All;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        Check(BatchSize > 0, nameof(BatchSize), BatchSize, "must be positive");
        Check(MaxRequestSize >= 1024 && MaxRequestSize <= TopicsLimit, nameof(MaxRequestSize), MaxRequestSize, "must be 1024 to 4194304 bytes");
        Check(BufferMemory >= MaxRequestSize, nameof(BufferMemory), BufferMemory, "must be at least MaxRequestSize");
        Check(Linger >= TimeSpan.Zero, nameof(Linger), Linger, "must not be negative");
        Check(DeliveryTimeout > TimeSpan.Zero, nameof(DeliveryTimeout), DeliveryTimeout, "must be positive");
        Check(RetryBackoff >= TimeSpan.Zero, nameof(RetryBackoff), RetryBackoff, "must not be negative");
        Check(RetryBackoffMax >= RetryBackoff, nameof(RetryBackoffMax), RetryBackoffMax, "must be at least RetryBackoff");
        Check(ResendInterval >= TimeSpan.Zero, nameof(ResendInterval), ResendInterval, "must not be negative (zero turns resending off)");
        Check(Enum.IsDefined(Acks), nameof(Acks), Acks, "must be None, Leader or All");
        Check(EnableIdempotence != true || Acks == Acks.All, nameof(EnableIdempotence), EnableIdempotence!, "requires Acks = All (a record acknowledged before it is durable can be lost, which would leave a sequence gap); set Acks = All or leave EnableIdempotence unset");
        Check(Enum.IsDefined(Compression), nameof(Compression), Compression, "must be None, Gzip, Snappy, Lz4 or Zstd");
        Check(Enum.IsDefined(Partitioner), nameof(Partitioner), Partitioner, "must be Murmur2Random, Consistent or ConsistentRandom");
    }

    private const int TopicsLimit = Topics.TopicConfig.MaxMessageBytesLimit;

    private static void Check(bool ok, string name, object value, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"ProducerOptions.{name} {rule}.");
        }
    }
}
