using System.Buffers;
using Microsoft.Extensions.Logging;
using OrleansLog.Errors;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Partitions;

/// <summary>
/// Makes a partition's appends durable. It is the only writer of segment blobs: one append in flight at a time, so whatever arrives
/// meanwhile goes in the next block (group commit), and sealing never races an append. It moves the high watermark, releases the
/// acks=all producers waiting for it, rolls segments and retries storage failures; a fenced or persistently failing partition is
/// reported to <paramref name="failed"/>, which stops the activation so that clients retry against one recovered from storage.
/// </summary>
/// <remarks>Not thread-safe: one per partition activation, run on the grain's scheduler.</remarks>
internal sealed class GroupCommitter(
    PartitionGrainKey key,
    PartitionLog log,
    ActiveSegment active,
    ManifestWriter manifest,
    SegmentReader reader,
    AcknowledgedOffsets acknowledged,
    PartitionOptions options,
    TimeProvider time,
    ILogger logger,
    Action<Exception> failed)
{
    private readonly Queue<AckWaiter> _ackWaiters = new();
    private readonly List<TailEntry> _block = [];
    private TaskCompletionSource _signal = NewSignal();
    private TaskCompletionSource _flushed = NewSignal();
    private Task _checkpointWrite = Task.CompletedTask;
    private bool _rollRequested;
    private bool _stopping;

    /// <summary>The topic's settings: flush.ms, flush.messages' byte form, segment size and age, index interval.</summary>
    public TopicConfig Config { get; set; } = TopicConfig.Default;

    /// <summary>Why the committer stopped for good, or null while it runs.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Completes at the next flush (or when the committer fails): back-pressure and long-poll fetches wait on it.</summary>
    public Task Flushed => _flushed.Task;

    /// <summary>How many acks=all appends wait for durability.</summary>
    public int WaitingAcks => _ackWaiters.Count;

    /// <summary>Runs the flush loop until the committer fails or <see cref="Stop"/> finds nothing left to flush.</summary>
    public async Task RunAsync()
    {
        while (Error is null)
        {
            if (_signal.Task.IsCompleted)
            {
                _signal = NewSignal();
            }

            if (log.PendingBytes == 0)
            {
                if (_rollRequested)
                {
                    await RunStorageStepAsync(SealAsync);
                    continue;
                }

                if (_stopping)
                {
                    return;
                }

                await _signal.Task;
                continue;
            }

            var wait = TimeSpan.FromMilliseconds(Config.FlushMs) - log.OldestPendingAge;
            if (!_stopping && _ackWaiters.Count == 0 && log.PendingBytes < Config.FlushBytes && wait > TimeSpan.Zero)
            {
                // Only acks=Leader data is waiting: give it up to flush.ms to gather into a bigger block.
                await Task.WhenAny(_signal.Task, Task.Delay(wait, time));
                continue;
            }

            await RunStorageStepAsync(FlushAsync);
        }
    }

    /// <summary>Wakes the loop: data, a config change or a stop is waiting.</summary>
    public void Signal() => _signal.TrySetResult();

    /// <summary>Seals the active segment at the next chance (segment.ms passed).</summary>
    public void RequestRoll()
    {
        _rollRequested = true;
        Signal();
    }

    /// <summary>Flushes what is pending, then lets <see cref="RunAsync"/> end.</summary>
    public void Stop()
    {
        _stopping = true;
        Signal();
    }

    /// <summary>Completes once the log is durable through <paramref name="lastOffset"/>, or fails when the committer does.</summary>
    public Task WaitDurableAsync(long lastOffset)
    {
        var waiter = new AckWaiter(lastOffset, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _ackWaiters.Enqueue(waiter);
        Signal();
        return waiter.Durable.Task;
    }

    /// <summary>Stops for good: waiting appends fail with (a copy of) <paramref name="error"/>, waiting fetches wake.</summary>
    public void Fail(Exception error)
    {
        Error ??= error;
        while (_ackWaiters.TryDequeue(out var waiter))
        {
            waiter.Durable.TrySetException(PartitionErrors.Copy(error));
        }

        _flushed.TrySetResult();
        Signal();
    }

    /// <summary>Writes one block of pending batches to the active segment, sealing the segment first when the block would not fit.</summary>
    public async Task FlushAsync()
    {
        // The block is taken once, here, and everything after the append works from this copy of its entries.
        _block.Clear();
        var blockBytes = log.TakePending(SegmentLimits.MaxAppendBlockBytes, _block);
        if (_rollRequested || active.IsFull(blockBytes, Config, NowMs()))
        {
            await SealAsync();
        }

        var buffer = ArrayPool<byte>.Shared.Rent(blockBytes);
        try
        {
            var written = 0;
            foreach (var entry in _block)
            {
                entry.Batch.Span.CopyTo(buffer.AsSpan(written));
                written += entry.Batch.Length;
            }

            using var timeout = new CancellationTokenSource(options.StorageRequestTimeout, time);
            await active.AppendAsync(buffer.AsMemory(0, blockBytes), manifest.CheckLeaderEpochAsync, NowMs(), timeout.Token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Durable: index the batches, move the high watermark, and release whoever waited for it.
        foreach (var entry in _block)
        {
            active.Track(entry, Config.IndexIntervalBytes);
        }

        log.MarkDurable(_block[^1].LastOffset + 1, blockBytes);
        _block.Clear();
        acknowledged.Advance(key.TopicId, key.Partition, log.HighWatermark);
        PartitionMetrics.FlushedBytes.Add(blockBytes);
        PartitionMetrics.Flushes.Add(1);
        while (_ackWaiters.TryPeek(out var waiter) && waiter.LastOffset < log.HighWatermark)
        {
            _ackWaiters.Dequeue();
            waiter.Durable.TrySetResult();
        }

        var flushed = _flushed;
        _flushed = NewSignal();
        flushed.TrySetResult();
        log.TrimTail();
        StartCheckpoint();
    }

    /// <summary>
    /// Seals the active segment at the high watermark: its index is written, the manifest lists it and records the producer state
    /// at its end, and a new segment starts there.
    /// </summary>
    public async Task SealAsync()
    {
        _rollRequested = false;
        if (active.Size == 0)
        {
            return;
        }

        // A checkpoint write still running would otherwise land after the seal's delete.
        await _checkpointWrite;

        var index = active.Index;
        await active.WriteIndexAsync();
        var sealedSegment = active.ToSealed(log.HighWatermark - 1);
        var nextBase = log.HighWatermark;
        var producers = log.Producers.Snapshot(nextBase);
        await manifest.UpdateAsync(m =>
        {
            m.Segments.Add(sealedSegment);
            m.ActiveBaseOffset = nextBase;
            m.Producers = producers;
        });

        await active.ReleaseLeaseAsync();
        await active.DeleteCheckpointAsync();
        reader.CacheIndex(SegmentPaths.Index(key.TopicId, key.Partition, sealedSegment), index);
        logger.Sealed(key.Topic, key.Partition, sealedSegment.BaseOffset, sealedSegment.LastOffset, sealedSegment.SizeBytes);
        active.StartAt(nextBase, NowMs());
    }

    // Recovery replays only what the newest checkpoint does not cover, so one is written whenever that grows past the interval.
    // The write runs beside the flushes (one at a time): a checkpoint is a shortcut, never what an ack waits for.
    private void StartCheckpoint()
    {
        if (options.CheckpointIntervalBytes <= 0 || !_checkpointWrite.IsCompleted || active.Size - active.CheckpointedSize < options.CheckpointIntervalBytes)
        {
            return;
        }

        if (active.Checkpoint(log.HighWatermark, log.Producers.Snapshot(log.HighWatermark)) is { } checkpoint)
        {
            _checkpointWrite = active.WriteCheckpointAsync(checkpoint, options.StorageRequestTimeout, time);
        }
    }

    // Runs one storage step, retrying transient failures with back-off.
    private async Task RunStorageStepAsync(Func<Task> step)
    {
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                await step();
                return;
            }
            catch (NotLeaderException e)
            {
                logger.Fenced(key.Topic, key.Partition, e.Message);
                failed(e);
                return;
            }
            catch (InvalidOperationException e)
            {
                logger.InvariantBroken(key.Topic, key.Partition, e);
                failed(new NotLeaderException($"Partition {key.Topic}-{key.Partition} stopped on an internal error and will recover from storage: {e.Message}", e));
                return;
            }
            catch (Exception e)
            {
                // Anything else is the storage path failing (the storage client reports exhausted network retries as an
                // AggregateException, not a RequestFailedException): retry it, never let the flusher die silently.
                if (time.GetElapsedTime(started) > options.StorageRetryTimeout)
                {
                    logger.StorageGaveUp(key.Topic, key.Partition, options.StorageRetryTimeout, e);
                    failed(new StorageException($"Blob storage failed for {key.Topic}-{key.Partition} for {options.StorageRetryTimeout.TotalSeconds:0} s: {e.Message} The append was not made durable; retry.", e));
                    return;
                }

                logger.StorageRetry(key.Topic, key.Partition, delay, e.Message);
                await Task.Delay(delay, time);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly record struct AckWaiter(long LastOffset, TaskCompletionSource Durable);
}
