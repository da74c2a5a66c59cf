using OrleansLog.Records;

namespace OrleansLog.Partitions;

/// <summary>
/// The in-memory side of one partition's log: idempotence, offset assignment and the hot tail of batches. Offsets below
/// <see cref="HighWatermark"/> are durable and visible to fetches; offsets from there to <see cref="NextOffset"/> are in the tail,
/// waiting for the <see cref="GroupCommitter"/> to write them.
/// </summary>
/// <remarks>Not thread-safe: one per partition activation, used on the grain's scheduler. Tail bytes are charged to the silo's
/// <see cref="TailMemoryBudget"/> here, so every way in and out of the tail keeps the budget right.</remarks>
internal sealed class PartitionLog(TailMemoryBudget budget, TimeProvider time)
{
    private readonly HotTail _tail = new();
    private long _oldestPendingAt;

    /// <summary>The idempotence state of the producers writing to this partition.</summary>
    public ProducerStateTable Producers { get; } = new();

    /// <summary>The offset the next appended record gets.</summary>
    public long NextOffset { get; private set; }

    /// <summary>The end of the durable log: every offset below it is in storage.</summary>
    public long HighWatermark { get; private set; }

    /// <summary>Bytes appended and not durable yet.</summary>
    public long PendingBytes { get; private set; }

    /// <summary>How long the oldest pending batch has waited for a flush.</summary>
    public TimeSpan OldestPendingAge => PendingBytes == 0 ? TimeSpan.Zero : time.GetElapsedTime(_oldestPendingAt);

    /// <summary>Bytes the tail holds.</summary>
    public long TailBytes => _tail.Bytes;

    /// <summary>Starts an empty log at <paramref name="offset"/>, before recovery replays the active segment into it.</summary>
    public void StartAt(long offset) => NextOffset = HighWatermark = offset;

    /// <summary>
    /// Appends validated batches: retries of batches already in the log get their original offsets and are not appended again;
    /// every other batch gets the next offsets, the leader epoch and (for LogAppendTime topics) the append time, patched in place.
    /// </summary>
    /// <exception cref="Errors.OutOfOrderSequenceException">A producer skipped sequences; nothing is appended.</exception>
    /// <exception cref="Errors.ProducerFencedException">A producer wrote with an old epoch; nothing is appended.</exception>
    public LogAppend Append(in ValidatedBatches batches, int leaderEpoch, long logAppendTime)
    {
        var headers = batches.Headers;

        // Every sequence is checked before anything is appended: from here to the end nothing awaits, so the checks and the appends
        // see one consistent producer state.
        var duplicates = FindDuplicates(headers);
        var baseOffset = NextOffset;
        long[]? batchOffsets = duplicates is null ? null : new long[headers.Length];
        var lastOffset = -1L;
        var appendedBytes = 0;
        var position = 0;
        for (var i = 0; i < headers.Length; i++)
        {
            ref readonly var header = ref headers[i];
            if (duplicates?[i] is { } original)
            {
                batchOffsets![i] = original.BaseOffset;
                lastOffset = Math.Max(lastOffset, original.LastOffset);
                position += header.TotalSize;
                continue;
            }

            var batch = batches.Buffer.AsSpan(position, header.TotalSize);
            RecordBatch.SetBaseOffset(batch, NextOffset);
            RecordBatch.SetPartitionLeaderEpoch(batch, leaderEpoch);
            if (logAppendTime >= 0)
            {
                RecordBatch.SetLogAppendTime(batch, logAppendTime);
            }

            var batchLast = NextOffset + header.LastOffsetDelta;
            if (header.ProducerId >= 0)
            {
                Producers.Record(header.ProducerId, header.ProducerEpoch, new ProducerBatchEntry(header.BaseSequence, header.BaseSequence + header.LastOffsetDelta, NextOffset, batchLast));
            }

            if (batchOffsets is not null)
            {
                batchOffsets[i] = NextOffset;
            }

            var maxTimestamp = logAppendTime >= 0 ? logAppendTime : header.MaxTimestamp;
            _tail.Append(new TailEntry(NextOffset, batchLast, maxTimestamp, batches.Buffer.AsMemory(position, header.TotalSize)));
            NextOffset = batchLast + 1;
            lastOffset = batchLast;
            position += header.TotalSize;
            appendedBytes += header.TotalSize;
        }

        if (appendedBytes > 0)
        {
            budget.Add(appendedBytes);
            if (PendingBytes == 0)
            {
                _oldestPendingAt = time.GetTimestamp();
            }

            PendingBytes += appendedBytes;
        }

        return new LogAppend(batchOffsets?[0] ?? baseOffset, batchOffsets, lastOffset, appendedBytes);
    }

    /// <summary>Adds a batch read back from the active segment during recovery: it is durable already, so only the tail and the
    /// producer state learn of it (the tail keeps at most <paramref name="tailShare"/> bytes of the newest batches).</summary>
    public void AppendRecovered(in RecordBatchHeader header, ReadOnlyMemory<byte> batch, long tailShare)
    {
        if (header.ProducerId >= 0)
        {
            Producers.Record(header.ProducerId, header.ProducerEpoch, new ProducerBatchEntry(header.BaseSequence, header.BaseSequence + header.LastOffsetDelta, header.BaseOffset, header.LastOffset));
        }

        _tail.Append(new TailEntry(header.BaseOffset, header.LastOffset, header.MaxTimestamp, batch));
        _tail.TrimTo(tailShare, long.MaxValue);
        NextOffset = HighWatermark = header.LastOffset + 1;
    }

    /// <summary>Ends recovery: the replayed tail is charged to the budget.</summary>
    public void FinishRecovery() => budget.Add(_tail.Bytes);

    /// <summary>Collects durable batches from <paramref name="offset"/> out of the tail; false when the tail no longer holds it.</summary>
    public bool TryReadTail(long offset, int maxBytes, List<ReadOnlyMemory<byte>> chunks)
    {
        if (!_tail.Contains(offset))
        {
            return false;
        }

        _tail.Collect(offset, HighWatermark, maxBytes, chunks);
        return true;
    }

    /// <summary>
    /// Takes the pending batches that fit one block of <paramref name="maxBytes"/>, in offset order, and returns their size. The
    /// entries are copied out because tail positions shift whenever retention or trimming runs at an await.
    /// </summary>
    /// <exception cref="InvalidOperationException">Bytes are pending but the tail has no batch at the high watermark.</exception>
    public int TakePending(int maxBytes, List<TailEntry> entries)
    {
        var first = _tail.IndexOf(HighWatermark);
        if (first < 0)
        {
            throw new InvalidOperationException($"{PendingBytes} bytes are pending but the tail has no batch at the high watermark {HighWatermark}.");
        }

        var bytes = 0;
        for (var i = first; i < _tail.Count && bytes + _tail.At(i).Batch.Length <= maxBytes; i++)
        {
            entries.Add(_tail.At(i));
            bytes += _tail.At(i).Batch.Length;
        }

        return bytes;
    }

    /// <summary>The size of the block <see cref="TakePending"/> would take now.</summary>
    public int PendingBlockBytes(int maxBytes)
    {
        var first = _tail.IndexOf(HighWatermark);
        var bytes = 0;
        for (var i = Math.Max(first, 0); first >= 0 && i < _tail.Count && bytes + _tail.At(i).Batch.Length <= maxBytes; i++)
        {
            bytes += _tail.At(i).Batch.Length;
        }

        return bytes;
    }

    /// <summary>Records that <paramref name="bytes"/> of pending batches are durable, up to <paramref name="endOffset"/>.</summary>
    public void MarkDurable(long endOffset, int bytes)
    {
        HighWatermark = endOffset;
        PendingBytes -= bytes;
        _oldestPendingAt = time.GetTimestamp();
    }

    /// <summary>Drops the oldest durable batches until the tail fits the partition's share of the budget.</summary>
    public void TrimTail() => budget.Add(-_tail.TrimTo(budget.PartitionShare, HighWatermark));

    /// <summary>Drops batches retention removed from the log.</summary>
    public void TrimBefore(long logStartOffset) => budget.Add(-_tail.TrimBefore(logStartOffset));

    /// <summary>Empties the tail and returns the bytes it held, for the budget's books when the activation ends.</summary>
    public long ClearTail() => _tail.Clear();

    private ProducerBatchEntry?[]? FindDuplicates(ReadOnlySpan<RecordBatchHeader> headers)
    {
        ProducerBatchEntry?[]? duplicates = null;
        var precedingProducer = -1L;
        ProducerBatchEntry? preceding = null;
        for (var i = 0; i < headers.Length; i++)
        {
            ref readonly var header = ref headers[i];
            if (header.ProducerId < 0)
            {
                continue;
            }

            var lastSequence = header.BaseSequence + header.LastOffsetDelta;
            var before = precedingProducer == header.ProducerId ? preceding : null;
            if (Producers.IsDuplicate(header.ProducerId, header.ProducerEpoch, header.BaseSequence, lastSequence, before, out var original))
            {
                (duplicates ??= new ProducerBatchEntry?[headers.Length])[i] = original;
                continue;
            }

            precedingProducer = header.ProducerId;
            preceding = new ProducerBatchEntry(header.BaseSequence, lastSequence, -1, -1);
        }

        return duplicates;
    }
}

/// <summary>What one append did to the log.</summary>
/// <param name="BaseOffset">The first batch's base offset.</param>
/// <param name="BatchOffsets">Each batch's base offset, when some were retries that kept their original offsets; null otherwise.</param>
/// <param name="LastOffset">The last offset the append needs durable before it is acknowledged with acks=all; -1 when none.</param>
/// <param name="AppendedBytes">Bytes newly appended (retries excluded).</param>
internal readonly record struct LogAppend(long BaseOffset, long[]? BatchOffsets, long LastOffset, int AppendedBytes);
