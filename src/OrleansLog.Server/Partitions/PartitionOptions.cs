namespace OrleansLog.Partitions;

/// <summary>Silo-wide settings of partition grains (topic-level settings are topic configs).</summary>
public sealed class PartitionOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "OrleansLog:Partitions";

    /// <summary>The most bytes of durable batches one partition keeps in memory for tail reads.</summary>
    public long TailBytesPerPartition { get; set; } = 32L * 1024 * 1024;

    /// <summary>The most bytes all partition tails on one silo keep together; each active partition gets an equal share.</summary>
    public long TailBudgetBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>The most unflushed bytes a partition buffers before appends wait for storage (back-pressure).</summary>
    public long MaxPendingBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>How often a partition applies retention, rolls aged segments and trims its tail.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How much a read of an older segment fetches at once, so sequential consumers hit the read-ahead cache.</summary>
    public int ReadAheadBytes { get; set; } = 1024 * 1024;

    /// <summary>How long a partition keeps retrying a failing storage append before it gives up, fails pending produces and deactivates.</summary>
    public TimeSpan StorageRetryTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long one storage request of the flusher may take before it is abandoned and retried: a request hung on a storage
    /// endpoint that went away must not stall the partition for the storage client's own (much longer) network timeout.
    /// </summary>
    public TimeSpan StorageRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a partition may go without a call (produce, fetch, list offsets, describe) before it deactivates, recording where
    /// its log ends so that describing it needs no activation. Checked every <see cref="MaintenanceInterval"/>.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many bytes of the active segment a partition writes between recovery checkpoints; recovery after a crash replays at most
    /// about this much, however large the segment is. 0 turns checkpoints off (recovery scans the whole active segment).
    /// </summary>
    public long CheckpointIntervalBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>The most partitions one silo recovers from storage at once; further activations wait their turn.</summary>
    public int MaxConcurrentRecoveries { get; set; } = 32;

    /// <summary>The most partitions one describe or list-offsets request reads (stored manifests, or active partitions) at once.</summary>
    public int DescribeConcurrency { get; set; } = 32;

    /// <summary>
    /// Compacted topics: the memory one compaction's key map may take (about 24 bytes per distinct key; Kafka's
    /// log.cleaner.dedupe.buffer.size). A partition with more distinct keys in its uncompacted part is compacted in several passes.
    /// </summary>
    public long CompactionMemoryBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>The most partitions one silo compacts at once; further compactions wait their turn.</summary>
    public int MaxConcurrentCompactions { get; set; } = 1;

    /// <summary>The bytes per second all compactions on one silo read and write together; 0 for no limit.</summary>
    public long CompactionBytesPerSecond { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How long the blobs of segments compaction replaced are kept before they are deleted, so that fetches already reading them
    /// finish (Kafka's file.delete.delay.ms). Blobs of a partition that stops meanwhile are deleted by its next compaction.
    /// </summary>
    public TimeSpan CompactionDeleteDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Test hook: runs after a compaction wrote its new segments and before the manifest switches to them.</summary>
    internal Func<CancellationToken, Task>? BeforeCompactionSwap { get; set; }
}
