using System.Buffers;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using OrleansLog.Errors;
using OrleansLog.Records;
using OrleansLog.Segments;

namespace OrleansLog.Partitions;

/// <summary>The partition grain's storage side: group commit, segment sealing, retention and recovery.</summary>
internal sealed partial class PartitionGrain
{
    // The flusher is the only writer of segment blobs: one append in flight at a time, so whatever arrives meanwhile
    // goes in the next block (group commit), and sealing never races an append.
    private async Task RunFlusherAsync()
    {
        while (_unavailable is null)
        {
            if (_flushSignal.Task.IsCompleted)
            {
                _flushSignal = NewSignal();
            }

            if (_pendingBytes == 0)
            {
                if (_rollRequested)
                {
                    await RunStorageStepAsync(SealActiveSegmentAsync);
                    continue;
                }

                if (_stopping)
                {
                    return;
                }

                await _flushSignal.Task;
                continue;
            }

            var waitMs = _oldestPendingAt + _config.FlushMs - Environment.TickCount64;
            if (!_stopping && _ackWaiters.Count == 0 && _pendingBytes < _config.FlushBytes && waitMs > 0)
            {
                // Only acks=Leader data is waiting: give it up to flush.ms to gather into a bigger block.
                await Task.WhenAny(_flushSignal.Task, Task.Delay(TimeSpan.FromMilliseconds(waitMs)));
                continue;
            }

            await RunStorageStepAsync(FlushBlockAsync);
        }
    }

    // Runs one storage step, retrying transient failures with back-off; a fenced or persistently failing partition
    // fails everything pending and deactivates, so clients retry against a fresh activation that recovers from storage.
    private async Task RunStorageStepAsync(Func<Task> step)
    {
        var started = Environment.TickCount64;
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
                LogFenced(_key.Topic, _key.Partition, e.Message);
                Stop(e);
                return;
            }
            catch (InvalidOperationException e)
            {
                LogInvariantBroken(_key.Topic, _key.Partition, e);
                Stop(new NotLeaderException($"Partition {_key.Topic}-{_key.Partition} stopped on an internal error and will recover from storage: {e.Message}", e));
                return;
            }
            catch (Exception e)
            {
                // Anything else is the storage path failing (the storage client reports exhausted network retries as an
                // AggregateException, not a RequestFailedException): retry it, never let the flusher die silently.
                if (Environment.TickCount64 - started > _options.StorageRetryTimeout.TotalMilliseconds)
                {
                    LogStorageGaveUp(_key.Topic, _key.Partition, _options.StorageRetryTimeout, e);
                    Stop(new StorageException($"Blob storage failed for {_key.Topic}-{_key.Partition} for {_options.StorageRetryTimeout.TotalSeconds:0} s: {e.Message} The append was not made durable; retry.", e));
                    return;
                }

                LogStorageRetry(_key.Topic, _key.Partition, delay, e.Message);
                await Task.Delay(delay);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 2000));
            }
        }
    }

    private void Stop(Exception error)
    {
        _unavailable = error;
        FailPending(error);
        DeactivateOnIdle();
    }

    private async Task FlushBlockAsync()
    {
        if (_rollRequested
            || (_activeSize > 0 && (_activeSize + NextBlockBytes() > _config.SegmentBytes
                || _activeBlocks >= SegmentLimits.MaxAppendBlocks - 1
                || NowMs() - _activeCreatedAt >= _config.SegmentMs)))
        {
            await SealActiveSegmentAsync();
        }

        // Tail positions shift whenever retention or trimming runs at an await, so the block is taken in one go, here,
        // and everything after the append works from this copy of its entries.
        var first = _tail.IndexOf(_highWatermark);
        if (first < 0)
        {
            throw new InvalidOperationException($"Partition {_key.Topic}-{_key.Partition} has {_pendingBytes} bytes pending but no batch at its high watermark {_highWatermark}.");
        }

        var entries = new List<TailEntry>();
        var blockBytes = 0;
        for (var i = first; i < _tail.Count && blockBytes + _tail.At(i).Batch.Length <= SegmentLimits.MaxAppendBlockBytes; i++)
        {
            entries.Add(_tail.At(i));
            blockBytes += _tail.At(i).Batch.Length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(blockBytes);
        try
        {
            var written = 0;
            foreach (var entry in entries)
            {
                entry.Batch.Span.CopyTo(buffer.AsSpan(written));
                written += entry.Batch.Length;
            }

            using var timeout = new CancellationTokenSource(_options.StorageRequestTimeout);
            var createdNow = false;
            if (!_activeCreated)
            {
                createdNow = await store.CreateSegmentAsync(ActiveBlob, timeout.Token);
                _activeCreated = true;
                _activeCreatedAt = NowMs();
            }

            if (_leaseId is null)
            {
                // Taking a lease breaks the holder's; a zombie must not break the real leader's, so it checks its epoch first. A
                // blob this step just created has no earlier holder to break (one request less per new segment).
                await CheckLeaderEpochAsync();
                _leaseId = await store.TakeLeaseAsync(ActiveBlob, timeout.Token, breakHeldLease: !createdNow);
            }

            await store.AppendBlockAsync(ActiveBlob, buffer.AsMemory(0, blockBytes), _activeSize, _leaseId, timeout.Token);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Durable: index the batches, move the high watermark, and release whoever waited for it.
        var position = _activeSize;
        foreach (var entry in entries)
        {
            _activeIndex.Add(entry.BaseOffset, entry.Batch.Length, entry.MaxTimestamp, position, _config.IndexIntervalBytes);
            if (_activeFirstTimestamp < 0)
            {
                _activeFirstTimestamp = RecordBatchHeader.Read(entry.Batch.Span).BaseTimestamp;
            }

            _activeMaxTimestamp = Math.Max(_activeMaxTimestamp, entry.MaxTimestamp);
            position += entry.Batch.Length;
        }

        _activeSize = position;
        _activeBlocks++;
        _highWatermark = entries[^1].LastOffset + 1;
        acknowledged.Advance(_key.TopicId, _key.Partition, _highWatermark);
        _pendingBytes -= blockBytes;
        _oldestPendingAt = Environment.TickCount64;
        PartitionMetrics.FlushedBytes.Add(blockBytes);
        PartitionMetrics.Flushes.Add(1);

        while (_ackWaiters.TryPeek(out var waiter) && waiter.LastOffset < _highWatermark)
        {
            _ackWaiters.Dequeue();
            waiter.Durable.TrySetResult();
        }

        var flushed = _flushed;
        _flushed = NewSignal();
        flushed.TrySetResult();
        TrimTail();
    }

    // The size of the block the next flush would write (pending batches up to the block limit).
    private int NextBlockBytes()
    {
        var first = _tail.IndexOf(_highWatermark);
        var bytes = 0;
        for (var i = Math.Max(first, 0); first >= 0 && i < _tail.Count && bytes + _tail.At(i).Batch.Length <= SegmentLimits.MaxAppendBlockBytes; i++)
        {
            bytes += _tail.At(i).Batch.Length;
        }

        return bytes;
    }

    private async Task SealActiveSegmentAsync()
    {
        _rollRequested = false;
        if (_activeSize == 0)
        {
            return;
        }

        var index = _activeIndex;
        await store.WriteBlobAsync(SegmentPaths.Index(_key.TopicId, _key.Partition, _activeBase), index.ToBytes(), CancellationToken.None);
        var sealedSegment = new SegmentInfo
        {
            BaseOffset = _activeBase,
            LastOffset = _highWatermark - 1,
            SizeBytes = _activeSize,
            FirstTimestamp = _activeFirstTimestamp,
            MaxTimestamp = _activeMaxTimestamp,
        };
        var nextBase = _highWatermark;
        var producers = _producers.Snapshot(nextBase);
        await UpdateManifestAsync(m =>
        {
            m.Segments.Add(sealedSegment);
            m.ActiveBaseOffset = nextBase;
            m.Producers = producers;
        });

        await ReleaseLeaseAsync();

        _reader.CacheIndex(sealedSegment.BaseOffset, index);
        LogSealed(_key.Topic, _key.Partition, sealedSegment.BaseOffset, sealedSegment.LastOffset, sealedSegment.SizeBytes);
        _activeBase = nextBase;
        _activeSize = 0;
        _activeBlocks = 0;
        _activeCreated = false;
        _activeCreatedAt = NowMs();
        _activeFirstTimestamp = -1;
        _activeMaxTimestamp = -1;
        _activeIndex = new SegmentIndex();
    }

    // Best effort: without the record, describing the idle partition activates it to find out where its log ends.
    private async Task RecordCleanStopAsync()
    {
        try
        {
            var highWatermark = _highWatermark;
            var activeBytes = _activeSize;
            await UpdateManifestAsync(m =>
            {
                m.StoppedHighWatermark = highWatermark;
                m.StoppedActiveSegmentBytes = activeBytes;
            });
        }
        catch (Exception e) when (e is NotLeaderException or StorageException or InconsistentStateException or OperationCanceledException)
        {
            LogCleanStopNotRecorded(_key.Topic, _key.Partition, e.Message);
        }
    }

    // Best effort: a lease left behind is broken by the next writer (or by deletion), so failing to release it loses nothing.
    private async Task ReleaseLeaseAsync()
    {
        if (_leaseId is not { } leaseId)
        {
            return;
        }

        _leaseId = null;
        try
        {
            await store.ReleaseLeaseAsync(ActiveBlob, leaseId, CancellationToken.None);
        }
        catch (StorageException e)
        {
            LogStorageRetry(_key.Topic, _key.Partition, TimeSpan.Zero, e.Message);
        }
    }

    // Re-reads the manifest: a newer leader epoch there means another activation owns the log and this one is a zombie.
    private async Task CheckLeaderEpochAsync()
    {
        var epoch = manifest.State.LeaderEpoch;
        await _manifestLock.WaitAsync();
        try
        {
            await manifest.ReadStateAsync();
        }
        finally
        {
            _manifestLock.Release();
        }

        if (manifest.State.LeaderEpoch != epoch)
        {
            throw new NotLeaderException($"Partition {_key.Topic}-{_key.Partition} is at leader epoch {manifest.State.LeaderEpoch}; this activation has epoch {epoch} and is fenced. Retry.");
        }
    }

    // Manifest writes are ETag-conditional: a conflict means another activation owns the log now, so this one is fenced.
    private async Task UpdateManifestAsync(Action<PartitionManifest> change)
    {
        await _manifestLock.WaitAsync();
        try
        {
            change(manifest.State);
            await manifest.WriteStateAsync();
        }
        catch (InconsistentStateException e)
        {
            throw new NotLeaderException($"The manifest of {_key.Topic}-{_key.Partition} was changed by another activation; this one is fenced. Retry.", e);
        }
        finally
        {
            _manifestLock.Release();
        }
    }

    private async Task RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        if (_unavailable is not null || _stopping)
        {
            return;
        }

        if (_pendingBytes == 0 && _ackWaiters.Count == 0 && Environment.TickCount64 - _lastUsedAt > _options.IdleTimeout.TotalMilliseconds)
        {
            // Idle partitions cost next to nothing: this one records where its log ends and leaves memory (Orleans' own idle
            // collection would keep it for hours). The next call activates it again from storage.
            DeactivateOnIdle();
            return;
        }

        await ApplyRetentionAsync(cancellationToken);
        if (_activeSize > 0 && NowMs() - _activeCreatedAt >= _config.SegmentMs)
        {
            _rollRequested = true;
            _flushSignal.TrySetResult();
        }

        TrimTail();
    }

    private async Task ApplyRetentionAsync(CancellationToken cancellationToken)
    {
        var segments = manifest.State.Segments;
        var total = _activeSize;
        foreach (var segment in segments)
        {
            total += segment.SizeBytes;
        }

        var now = NowMs();
        var remove = 0;
        while (remove < segments.Count)
        {
            var segment = segments[remove];
            var expired = _config.RetentionMs >= 0 && segment.MaxTimestamp < now - _config.RetentionMs;
            var oversize = _config.RetentionBytes >= 0 && total - segment.SizeBytes >= _config.RetentionBytes;
            if (!expired && !oversize)
            {
                break;
            }

            total -= segment.SizeBytes;
            remove++;
        }

        if (remove == 0)
        {
            return;
        }

        var removed = segments.GetRange(0, remove);
        var newStart = remove < segments.Count ? segments[remove].BaseOffset : _activeBase;
        try
        {
            await UpdateManifestAsync(m =>
            {
                m.Segments.RemoveRange(0, remove);
                m.LogStartOffset = Math.Max(m.LogStartOffset, newStart);
            });
        }
        catch (NotLeaderException e)
        {
            Stop(e);
            return;
        }

        budget.Add(-_tail.TrimBefore(newStart));
        foreach (var segment in removed)
        {
            var log = SegmentPaths.Log(_key.TopicId, _key.Partition, segment.BaseOffset);
            _reader.Forget(log, segment.BaseOffset);
            await store.DeleteAsync(log, cancellationToken);
            await store.DeleteAsync(SegmentPaths.Index(_key.TopicId, _key.Partition, segment.BaseOffset), cancellationToken);
            PartitionMetrics.DeletedSegments.Add(1);
        }

        LogRetention(_key.Topic, _key.Partition, remove, manifest.State.LogStartOffset);
    }

    private void TrimTail() => budget.Add(-_tail.TrimTo(budget.PartitionShare, _highWatermark));

    // Rebuilds the active segment's state from its blob: every batch's CRC and length is checked and the offsets must run on
    // without a gap; a torn or corrupt tail ends the segment there (it is sealed at its valid length) and a fresh one starts.
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        // The stopped high watermark goes in the same write as the epoch: from now on only this activation knows where the log ends.
        await UpdateManifestAsync(m =>
        {
            m.LeaderEpoch++;
            m.StoppedHighWatermark = null;
        });
        var state = manifest.State;
        _producers.Restore(state.Producers);
        _activeBase = state.ActiveBaseOffset;
        _nextOffset = _highWatermark = _activeBase;
        _activeCreatedAt = NowMs();

        var properties = await store.GetPropertiesAsync(ActiveBlob, cancellationToken);
        if (properties is null)
        {
            return;
        }

        // The epoch is ours now, so the lease is too: breaking it fences a previous activation still appending. The size is read
        // again under the lease, so an append that landed just before the break is part of what this activation recovers.
        _leaseId = await store.TakeLeaseAsync(ActiveBlob, cancellationToken);
        properties = await store.GetPropertiesAsync(ActiveBlob, cancellationToken) ?? properties;
        _activeCreated = true;
        _activeCreatedAt = properties.CreatedOn.ToUnixTimeMilliseconds();
        _activeBlocks = properties.BlockCount;
        var share = budget.PartitionShare;
        long position = 0;
        var expected = _activeBase;
        string? damage = null;
        await foreach (var batch in _reader.ScanAsync(ActiveBlob, properties.Size, 0, cancellationToken))
        {
            RecordBatchHeader header;
            try
            {
                header = RecordBatch.Validate(batch.Span, int.MaxValue, deep: false);
            }
            catch (InvalidRecordException e)
            {
                damage = e.Message;
                break;
            }

            if (header.BaseOffset != expected)
            {
                damage = $"batch at byte {position} has base offset {header.BaseOffset}, expected {expected}";
                break;
            }

            _activeIndex.Add(header.BaseOffset, header.TotalSize, header.MaxTimestamp, position, _config.IndexIntervalBytes);
            if (_activeFirstTimestamp < 0)
            {
                _activeFirstTimestamp = header.BaseTimestamp;
            }

            _activeMaxTimestamp = Math.Max(_activeMaxTimestamp, header.MaxTimestamp);
            if (header.ProducerId >= 0)
            {
                _producers.Record(header.ProducerId, header.ProducerEpoch, new ProducerBatchEntry(header.BaseSequence, header.BaseSequence + header.LastOffsetDelta, header.BaseOffset, header.LastOffset));
            }

            _tail.Append(new TailEntry(header.BaseOffset, header.LastOffset, header.MaxTimestamp, batch));
            _tail.TrimTo(share, long.MaxValue);
            position += header.TotalSize;
            expected = header.LastOffset + 1;
        }

        _activeSize = position;
        _nextOffset = _highWatermark = expected;
        budget.Add(_tail.Bytes);
        if (damage is null && position < properties.Size)
        {
            damage = $"the last {properties.Size - position} bytes are not a whole batch";
        }

        if (damage is not null)
        {
            LogTornTail(_key.Topic, _key.Partition, ActiveBlob, position, damage);
            if (_activeSize > 0)
            {
                await SealActiveSegmentAsync();
            }
            else
            {
                // Nothing valid in the blob at all: it holds no acknowledged data, so it can go.
                await store.DeleteAsync(ActiveBlob, cancellationToken);
                _leaseId = null;
                _activeCreated = false;
                _activeBlocks = 0;
            }
        }

        LogRecovered(_key.Topic, _key.Partition, manifest.State.LogStartOffset, _highWatermark, manifest.State.LeaderEpoch);
        if (acknowledged.FindLoss(_key.TopicId, _key.Partition, _highWatermark) is { } lost)
        {
            PartitionMetrics.LogRegressions.Add(1, new KeyValuePair<string, object?>("topic", _key.Topic));
            LogRecoveredShorterThanAcknowledged(_key.Topic, _key.Partition, _highWatermark, lost);
        }
    }

    // The partition's producers send in order, one request at a time: a sequence beyond the expected one means batches this
    // partition acknowledged are gone from storage.
    private void ReportMissingSequences(long producerId, int expected, int received)
    {
        PartitionMetrics.LogRegressions.Add(1, new KeyValuePair<string, object?>("topic", _key.Topic));
        LogSequencesMissing(_key.Topic, _key.Partition, producerId, received, expected, _nextOffset);
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Partition {Topic}-{Partition}: storage holds the log only up to offset {RecoveredEnd}, but this silo acknowledged offsets up to {Acknowledged} as durable. Storage lost acknowledged writes (the log went backwards); offsets from {RecoveredEnd} will be assigned again. Check the storage account or emulator")]
    private partial void LogRecoveredShorterThanAcknowledged(string topic, int partition, long recoveredEnd, long acknowledged);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Partition {Topic}-{Partition}: producer {ProducerId} sent sequence {Received}, but the next sequence the log holds for it is {Expected} (log end offset {LogEnd}). Batches it had acknowledged are gone from storage (the log went backwards). Check the storage account or emulator")]
    private partial void LogSequencesMissing(string topic, int partition, long producerId, int received, int expected, long logEnd);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} recovered: offsets {LogStartOffset} to {HighWatermark}, leader epoch {LeaderEpoch}")]
    private partial void LogRecovered(string topic, int partition, long logStartOffset, long highWatermark, int leaderEpoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition}: segment {Blob} is damaged at byte {Position} ({Damage}); sealing it there")]
    private partial void LogTornTail(string topic, int partition, string blob, long position, string damage);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} sealed segment {BaseOffset}..{LastOffset} ({SizeBytes} bytes)")]
    private partial void LogSealed(string topic, int partition, long baseOffset, long lastOffset, long sizeBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Topic}-{Partition} retention deleted {Segments} segments; log start offset is now {LogStartOffset}")]
    private partial void LogRetention(string topic, int partition, int segments, long logStartOffset);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} is fenced: {Reason}")]
    private partial void LogFenced(string topic, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} storage step failed, retrying in {Delay}: {Reason}")]
    private partial void LogStorageRetry(string topic, int partition, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Partition {Topic}-{Partition} gave up on storage after {Timeout}")]
    private partial void LogStorageGaveUp(string topic, int partition, TimeSpan timeout, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Partition {Topic}-{Partition} broke an invariant; deactivating so that it recovers from storage")]
    private partial void LogInvariantBroken(string topic, int partition, Exception error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Partition {Topic}-{Partition} deactivated ({Reason}) at high watermark {HighWatermark} with {PendingBytes} bytes pending")]
    private partial void LogDeactivated(string topic, int partition, string reason, long highWatermark, long pendingBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} stopped without recording its end in the manifest (describing it will activate it): {Reason}")]
    private partial void LogCleanStopNotRecorded(string topic, int partition, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition {Topic}-{Partition} deactivated with {PendingBytes} bytes not flushed")]
    private partial void LogDeactivationFlushIncomplete(string topic, int partition, long pendingBytes);
}
