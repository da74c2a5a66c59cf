namespace OrleansLog.Partitions;

/// <summary>What a partition remembers of one idempotent producer: its epoch and its last batches (sequences and offsets), oldest first.</summary>
[GenerateSerializer]
internal sealed class ProducerSnapshot
{
    /// <summary>The producer id.</summary>
    [Id(0)]
    public long ProducerId { get; set; }

    /// <summary>The newest epoch the partition saw for this producer id.</summary>
    [Id(1)]
    public short Epoch { get; set; }

    /// <summary>The last (up to <see cref="ProducerStateTable.BatchesPerProducer"/>) batches, oldest first.</summary>
    [Id(2)]
    public List<ProducerBatchEntry> Batches { get; set; } = [];
}

/// <summary>One batch of an idempotent producer: its sequence range and where it landed.</summary>
[GenerateSerializer, Immutable]
internal readonly record struct ProducerBatchEntry(
    [property: Id(0)] int BaseSequence,
    [property: Id(1)] int LastSequence,
    [property: Id(2)] long BaseOffset,
    [property: Id(3)] long LastOffset);
