using OrleansLog.Errors;

namespace OrleansLog.Partitions;

/// <summary>
/// A partition's idempotence state: per producer id, its epoch and last batches. It tells a new batch from a retried
/// duplicate (which gets its original offsets back), rejects sequence gaps and fences old epochs.
/// </summary>
/// <remarks>Not thread-safe: one per partition activation, used on the grain's scheduler.</remarks>
internal sealed class ProducerStateTable
{
    /// <summary>How many batches per producer are remembered; a producer keeps at most this many in flight per partition, as Kafka's does.</summary>
    public const int BatchesPerProducer = 5;

    private readonly Dictionary<long, Entry> _producers = [];

    /// <summary>How many producers the table holds.</summary>
    public int Count => _producers.Count;

    /// <summary>
    /// Called with (producer id, expected sequence, received sequence) when a producer the table knows sends a sequence beyond
    /// the next one it expects. Its client sends one request at a time per partition, in order, so the batches in between were
    /// acknowledged and storage no longer holds them: evidence that the log went backwards.
    /// </summary>
    public Action<long, int, int>? SequencesMissing { get; set; }

    /// <summary>
    /// Classifies a batch of producer <paramref name="producerId"/>: returns true for a duplicate (with its original entry),
    /// false for the next batch in sequence. Throws <see cref="OutOfOrderSequenceException"/> on a gap and
    /// <see cref="ProducerFencedException"/> for an old epoch. <paramref name="preceding"/> is an earlier batch of the same
    /// producer in the same request, not yet recorded.
    /// </summary>
    public bool IsDuplicate(long producerId, short epoch, int baseSequence, int lastSequence, ProducerBatchEntry? preceding, out ProducerBatchEntry original)
    {
        original = default;
        if (preceding is { } before)
        {
            if (baseSequence != before.LastSequence + 1)
            {
                throw Gap(producerId, before.LastSequence + 1, baseSequence);
            }

            return false;
        }

        if (!_producers.TryGetValue(producerId, out var entry))
        {
            // Unknown producer: its first batch here (or its state aged out); any starting sequence is accepted, as Kafka does.
            return false;
        }

        if (epoch < entry.Epoch)
        {
            throw new ProducerFencedException($"Producer {producerId} wrote with epoch {epoch}, but the partition holds epoch {entry.Epoch} for it: a newer session replaced this one. Create a new producer.");
        }

        if (epoch > entry.Epoch)
        {
            if (baseSequence != 0)
            {
                throw new OutOfOrderSequenceException($"Producer {producerId} started epoch {epoch} at sequence {baseSequence}; a new epoch starts at sequence 0.");
            }

            return false;
        }

        foreach (var batch in entry.Batches)
        {
            if (batch.BaseSequence == baseSequence && batch.LastSequence == lastSequence)
            {
                original = batch;
                return true;
            }
        }

        var expected = entry.Batches.Count == 0 ? baseSequence : entry.Batches[^1].LastSequence + 1;
        if (baseSequence != expected)
        {
            if (baseSequence > expected)
            {
                SequencesMissing?.Invoke(producerId, expected, baseSequence);
            }

            throw Gap(producerId, expected, baseSequence);
        }

        return false;
    }

    /// <summary>Records an appended batch; recording the same batch again (a recovery scan over a snapshot) changes nothing.</summary>
    public void Record(long producerId, short epoch, ProducerBatchEntry batch)
    {
        if (!_producers.TryGetValue(producerId, out var entry))
        {
            entry = new Entry { Epoch = epoch };
            _producers.Add(producerId, entry);
        }
        else if (epoch > entry.Epoch)
        {
            entry.Epoch = epoch;
            entry.Batches.Clear();
        }
        else if (epoch < entry.Epoch || (entry.Batches.Count > 0 && batch.BaseOffset <= entry.Batches[^1].BaseOffset))
        {
            return;
        }

        if (entry.Batches.Count == BatchesPerProducer)
        {
            entry.Batches.RemoveAt(0);
        }

        entry.Batches.Add(batch);
    }

    /// <summary>The state of every producer, keeping only batches that end below <paramref name="endOffset"/> (what is durable).</summary>
    public List<ProducerSnapshot> Snapshot(long endOffset)
    {
        var snapshot = new List<ProducerSnapshot>(_producers.Count);
        foreach (var (producerId, entry) in _producers)
        {
            var batches = new List<ProducerBatchEntry>(entry.Batches.Count);
            foreach (var batch in entry.Batches)
            {
                if (batch.LastOffset < endOffset)
                {
                    batches.Add(batch);
                }
            }

            if (batches.Count > 0)
            {
                snapshot.Add(new ProducerSnapshot { ProducerId = producerId, Epoch = entry.Epoch, Batches = batches });
            }
        }

        return snapshot;
    }

    /// <summary>Replaces the table with a snapshot (from the manifest, at recovery).</summary>
    public void Restore(List<ProducerSnapshot> snapshot)
    {
        _producers.Clear();
        foreach (var producer in snapshot)
        {
            _producers[producer.ProducerId] = new Entry { Epoch = producer.Epoch, Batches = [.. producer.Batches] };
        }
    }

    private static OutOfOrderSequenceException Gap(long producerId, int expected, int received) =>
        new($"Producer {producerId} sent sequence {received} but the partition expected {expected}: the batches between were lost. The producer starts a new epoch; resend what failed.");

    private sealed class Entry
    {
        public short Epoch { get; set; }

        public List<ProducerBatchEntry> Batches { get; set; } = new(BatchesPerProducer);
    }
}
