using OrleansLog.Records;

namespace OrleansLog.Client;

/// <summary>A producer's per-partition state: the batch being filled, sealed batches waiting to be sent, and whether a send is in flight.</summary>
/// <remarks>Guarded by locking the accumulator itself.</remarks>
internal sealed class PartitionAccumulator(TopicPartition partition, CompressionType compression) : IDisposable
{
    public TopicPartition Partition { get; } = partition;

    /// <summary>Encodes the open batch; reused from batch to batch.</summary>
    public RecordBatchBuilder Builder { get; } = new(compression);

    /// <summary>The batch being filled, or null.</summary>
    public ProducerBatch? Open { get; set; }

    /// <summary>Sealed batches, oldest first, waiting for the sender.</summary>
    public Queue<ProducerBatch> Ready { get; } = new();

    /// <summary>The newest sealed batch; batches complete in order, so flushing awaits it.</summary>
    public ProducerBatch? LastSealed { get; set; }

    /// <summary>True while a send loop runs for this partition (at most one, which keeps order).</summary>
    public bool Sending { get; set; }

    /// <summary>The idempotent producer's epoch for this partition; bumped after a batch fails for good, which restarts the sequence.</summary>
    /// <remarks>Used only by the send loop (one at a time), so not guarded.</remarks>
    public short ProducerEpoch { get; set; }

    /// <summary>The sequence number the next batch sent to this partition gets.</summary>
    public int NextSequence { get; set; }

    /// <summary>Seals the open batch into <see cref="Ready"/>; returns false when there was none.</summary>
    public bool SealOpen()
    {
        var batch = Open;
        if (batch is null || batch.RecordCount == 0)
        {
            return false;
        }

        batch.Bytes = Builder.Build();
        Open = null;
        Ready.Enqueue(batch);
        LastSealed = batch;
        return true;
    }

    public void Dispose() => Builder.Dispose();
}
