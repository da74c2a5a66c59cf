using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Storage;
using OrleansLog.Errors;
using OrleansLog.Hosting;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Partitions;

/// <summary>
/// The log of one partition. It validates batches, assigns offsets, keeps the hot tail, group-commits to the active segment's
/// append blob (one append in flight; whatever arrives meanwhile goes in the next block), seals segments and applies retention.
/// </summary>
/// <remarks>
/// Reentrant so that appends waiting for durability, long-poll fetches and the flusher interleave. Every state change happens
/// between awaits, on the activation's single thread, so no locks are needed except around manifest writes.
/// Invariant: offsets below <see cref="_highWatermark"/> are durable in blob storage and visible to fetches; offsets from there to
/// <see cref="_nextOffset"/> are in the tail waiting to be flushed.
/// Fencing: only the activation holding the active segment's blob lease and the newest leader epoch can write; a stale one gets
/// 412 from storage, fails its waiting produces with <see cref="NotLeaderException"/> and deactivates.
/// </remarks>
[GrainType(GrainTypes.Partition)]
[Reentrant]
[RandomPlacement]
internal sealed partial class PartitionGrain(
    [PersistentState(PartitionGrain.ManifestStateName, OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<PartitionManifest> manifest,
    ISegmentStore store,
    TailMemoryBudget budget,
    PartitionRecoveryLimiter recoveries,
    AcknowledgedOffsets acknowledged,
    IOptions<PartitionOptions> options,
    ILogger<PartitionGrain> logger,
    ShutdownFlushReport shutdownReport) : Grain, IPartitionGrain
{
    /// <summary>The name of the manifest's grain state, for readers of stored manifests.</summary>
    internal const string ManifestStateName = "manifest";

    private readonly PartitionOptions _options = options.Value;
    private readonly HotTail _tail = new();
    private readonly Queue<AckWaiter> _ackWaiters = new();
    private readonly SemaphoreSlim _manifestLock = new(1, 1);
    private readonly SegmentReader _reader = new(store, options.Value.ReadAheadBytes);
    private readonly ProducerStateTable _producers = new();

    private PartitionGrainKey _key;
    private TopicConfig _config = TopicConfig.Default;
    private Exception? _unavailable;
    private bool _registered;

    private long _nextOffset;
    private long _highWatermark;
    private long _pendingBytes;
    private long _oldestPendingAt;
    private long _lastUsedAt = Environment.TickCount64;

    private long _activeBase;
    private long _activeSize;
    private int _activeBlocks;
    private long _activeCreatedAt;
    private bool _activeCreated;
    private string? _leaseId;
    private long _activeFirstTimestamp = -1;
    private long _activeMaxTimestamp = -1;
    private SegmentIndex _activeIndex = new();

    private TaskCompletionSource _flushSignal = NewSignal();
    private TaskCompletionSource _flushed = NewSignal();
    private bool _rollRequested;
    private bool _stopping;
    private Task _flusher = Task.CompletedTask;
    private IGrainTimer? _maintenance;

    private string ActiveBlob => SegmentPaths.Log(_key.TopicId, _key.Partition, _activeBase);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = PartitionGrainKey.Parse(this.GetPrimaryKeyString());
        _producers.SequencesMissing = ReportMissingSequences;
        try
        {
            _config = await GrainFactory.GetGrain<ITopicGrain>(_key.Topic).GetPartitionConfigAsync(_key.TopicId, _key.Partition);
        }
        catch (UnknownTopicException e)
        {
            // Calls to a deleted (or never created) topic's partition fail with the same typed error. The activation is not
            // deactivated here: queued calls would be forwarded to a new one, again and again; idle collection removes it.
            _unavailable = e;
            return;
        }

        try
        {
            // Bounded: a burst of activations (a produce to every partition of a 10,000-partition topic) recovers a few at a time.
            await recoveries.RecoverAsync(_key, RecoverAsync, cancellationToken);
        }
        catch (Exception e) when (e is not NotLeaderException)
        {
            // Storage too slow or down to recover from (the activation's own deadline included): a typed, retriable error
            // rather than a bare cancellation, so producers and consumers retry into a later activation. No inner exception:
            // storage client exceptions need not be serializable across grain calls.
            throw new StorageException($"Partition {_key.Topic}-{_key.Partition} could not recover its log from storage: {e.GetType().Name}: {e.Message} Retry.");
        }

        budget.Register();
        _registered = true;
        _flusher = RunFlusherAsync();
        _maintenance = this.RegisterGrainTimer(RunMaintenanceAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.MaintenanceInterval,
            Period = _options.MaintenanceInterval,
            Interleave = true,
        });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var highWatermarkBefore = _highWatermark;
        _maintenance?.Dispose();
        _stopping = true;
        _flushSignal.TrySetResult();
        try
        {
            // A graceful deactivation flushes what is pending, so acks=Leader data survives moves and shutdowns.
            await _flusher.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            LogDeactivationFlushIncomplete(_key.Topic, _key.Partition, _pendingBytes);
        }

        LogDeactivated(_key.Topic, _key.Partition, reason.Description, _highWatermark, _pendingBytes);
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && _unavailable is null)
        {
            shutdownReport.Record(_key.Topic, _key.Partition, _highWatermark - highWatermarkBefore, _highWatermark, _pendingBytes);
        }

        if (_unavailable is null && _pendingBytes == 0 && _registered)
        {
            // Everything is durable: record where the log ends, so describing the idle partition needs no activation, and hand the
            // segment over, so the next activation need not break a lease.
            await RecordCleanStopAsync();
            await ReleaseLeaseAsync();
        }

        FailPending(_unavailable ?? new NotLeaderException($"Partition {_key.Topic}-{_key.Partition} moved or shut down before the append was durable; retry."));
        if (_registered)
        {
            budget.Unregister(_tail.Clear());
            _registered = false;
        }
    }

    public async Task<AppendResult> AppendAsync(byte[] batches, Acks acks, CancellationToken cancellationToken)
    {
        // Cancellation is honoured only before the batches are taken: once offsets are assigned, the append runs to its end.
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfUnavailable();
        var count = ValidateBatches(batches);

        while (_pendingBytes > _options.MaxPendingBytes)
        {
            // Back-pressure: storage is behind; wait for the flusher instead of buffering without bound.
            await _flushed.Task;
            ThrowIfUnavailable();
        }

        // From here to the end of the loop nothing awaits: the sequence checks and the appends see one consistent producer state.
        var duplicates = FindDuplicates(batches, count);
        var baseOffset = _nextOffset;
        long[]? batchOffsets = duplicates is null ? null : new long[count];
        var waitFor = -1L;
        var appendedBytes = 0;
        var logAppendTime = _config.MessageTimestampType == TimestampType.LogAppendTime ? NowMs() : -1;
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            var span = batches.AsSpan(position);
            var header = RecordBatchHeader.Read(span);
            if (duplicates?[i] is { } original)
            {
                // A retry of a batch that already landed: it gets its original offsets and is not written again.
                batchOffsets![i] = original.BaseOffset;
                waitFor = Math.Max(waitFor, original.LastOffset);
                position += header.TotalSize;
                continue;
            }

            var batch = span[..header.TotalSize];
            RecordBatch.SetBaseOffset(batch, _nextOffset);
            RecordBatch.SetPartitionLeaderEpoch(batch, manifest.State.LeaderEpoch);
            if (logAppendTime >= 0)
            {
                RecordBatch.SetLogAppendTime(batch, logAppendTime);
            }

            var lastOffset = _nextOffset + header.LastOffsetDelta;
            if (header.ProducerId >= 0)
            {
                _producers.Record(header.ProducerId, header.ProducerEpoch, new ProducerBatchEntry(header.BaseSequence, header.BaseSequence + header.LastOffsetDelta, _nextOffset, lastOffset));
            }

            if (batchOffsets is not null)
            {
                batchOffsets[i] = _nextOffset;
            }

            var maxTimestamp = logAppendTime >= 0 ? logAppendTime : header.MaxTimestamp;
            _tail.Append(new TailEntry(_nextOffset, lastOffset, maxTimestamp, batches.AsMemory(position, header.TotalSize)));
            _nextOffset = lastOffset + 1;
            waitFor = lastOffset;
            position += header.TotalSize;
            appendedBytes += header.TotalSize;
        }

        if (appendedBytes > 0)
        {
            budget.Add(appendedBytes);
            if (_pendingBytes == 0)
            {
                _oldestPendingAt = Environment.TickCount64;
            }

            _pendingBytes += appendedBytes;
            PartitionMetrics.AppendedBytes.Add(appendedBytes);
        }

        var result = new AppendResult(batchOffsets?[0] ?? baseOffset, logAppendTime, manifest.State.LogStartOffset, batchOffsets);
        if (acks != Acks.All || waitFor < _highWatermark)
        {
            if (appendedBytes > 0)
            {
                _flushSignal.TrySetResult();
            }

            return result;
        }

        var waiter = new AckWaiter(waitFor, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _ackWaiters.Enqueue(waiter);
        _flushSignal.TrySetResult();
        await waiter.Durable.Task;
        return result;
    }

    // Checks every idempotent batch of the call against the producer state before anything is appended, so a gap or a fenced
    // epoch rejects the whole call. Returns null when no batch is a duplicate (the usual case: no allocation).
    private ProducerBatchEntry?[]? FindDuplicates(byte[] batches, int count)
    {
        ProducerBatchEntry?[]? duplicates = null;
        var precedingProducer = -1L;
        ProducerBatchEntry? preceding = null;
        var position = 0;
        for (var i = 0; i < count; i++)
        {
            var header = RecordBatchHeader.Read(batches.AsSpan(position));
            position += header.TotalSize;
            if (header.ProducerId < 0)
            {
                continue;
            }

            var lastSequence = header.BaseSequence + header.LastOffsetDelta;
            var before = precedingProducer == header.ProducerId ? preceding : null;
            if (_producers.IsDuplicate(header.ProducerId, header.ProducerEpoch, header.BaseSequence, lastSequence, before, out var original))
            {
                (duplicates ??= new ProducerBatchEntry?[count])[i] = original;
                continue;
            }

            precedingProducer = header.ProducerId;
            preceding = new ProducerBatchEntry(header.BaseSequence, lastSequence, -1, -1);
        }

        return duplicates;
    }

    public async Task<FetchResult> FetchAsync(long offset, int maxBytes, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        if (maxBytes <= 0)
        {
            throw new OrleansLogException(Errors.ErrorCode.InvalidRequest, $"Fetch maxBytes must be positive; got {maxBytes}.");
        }

        ThrowIfOutOfRange(offset);
        if (offset == _highWatermark && maxWait > TimeSpan.Zero)
        {
            await WaitForDataAsync(offset, maxWait, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfUnavailable();
            ThrowIfOutOfRange(offset);
        }

        var chunks = new List<ReadOnlyMemory<byte>>(2);
        if (offset < _highWatermark)
        {
            if (_tail.Contains(offset))
            {
                _tail.Collect(offset, _highWatermark, maxBytes, chunks);
            }
            else
            {
                await ReadFromStorageAsync(offset, maxBytes, chunks, cancellationToken);
            }
        }

        var result = new FetchResult(_highWatermark, manifest.State.LogStartOffset, Concatenate(chunks));
        PartitionMetrics.FetchedBytes.Add(result.Records.Length);
        return result;
    }

    public async Task<OffsetAndTimestamp> ListOffsetAsync(long timestamp, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        switch (timestamp)
        {
            case OffsetSpec.Earliest:
                return new OffsetAndTimestamp(manifest.State.LogStartOffset, -1);
            case OffsetSpec.Latest:
                return new OffsetAndTimestamp(_highWatermark, -1);
            case < 0:
                throw new OrleansLogException(Errors.ErrorCode.InvalidRequest, $"List offsets takes a timestamp in ms, -1 (latest) or -2 (earliest); got {timestamp}.");
        }

        foreach (var segment in manifest.State.Segments.ToArray())
        {
            if (segment.MaxTimestamp >= timestamp)
            {
                var index = await _reader.GetIndexAsync(SegmentPaths.Index(_key.TopicId, _key.Partition, segment.BaseOffset), segment.BaseOffset, CancellationToken.None);
                var found = await FindTimestampAsync(SegmentPaths.Log(_key.TopicId, _key.Partition, segment.BaseOffset), segment.SizeBytes, index, timestamp);
                if (found.Offset >= 0)
                {
                    return found;
                }
            }
        }

        if (_activeMaxTimestamp >= timestamp)
        {
            return await FindTimestampAsync(ActiveBlob, _activeSize, _activeIndex, timestamp);
        }

        return new OffsetAndTimestamp(-1, -1);
    }

    public Task<PartitionDescription> DescribeAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        var state = manifest.State;
        long size = _activeSize;
        foreach (var segment in state.Segments)
        {
            size += segment.SizeBytes;
        }

        var segments = state.Segments.Count + (_activeSize > 0 ? 1 : 0);
        return Task.FromResult(new PartitionDescription(_key.Partition, state.LogStartOffset, _highWatermark, segments, size, state.LeaderEpoch, RuntimeIdentity));
    }

    public Task UpdateConfigAsync(TopicConfig config, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        _config = config;
        _flushSignal.TrySetResult();
        return Task.CompletedTask;
    }

    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        _unavailable = new UnknownTopicException($"Topic '{_key.Topic}' (id {_key.TopicId}) was deleted.");
        _stopping = true;
        _flushSignal.TrySetResult();
        FailPending(_unavailable);
        await _manifestLock.WaitAsync();
        try
        {
            await manifest.ClearStateAsync();
        }
        finally
        {
            _manifestLock.Release();
        }

        DeactivateOnIdle();
    }

    private void ThrowIfUnavailable()
    {
        _lastUsedAt = Environment.TickCount64;
        if (_unavailable is not null)
        {
            throw Clone(_unavailable);
        }

        if (_stopping)
        {
            throw new NotLeaderException($"Partition {_key.Topic}-{_key.Partition} is moving or shutting down; retry.");
        }
    }

    private void ThrowIfOutOfRange(long offset)
    {
        if (offset < manifest.State.LogStartOffset || offset > _highWatermark)
        {
            throw new OffsetOutOfRangeException(_key.Topic, _key.Partition, offset, manifest.State.LogStartOffset, _highWatermark);
        }
    }

    // Validates every batch of the call before any is appended, so a bad batch rejects the call and writes nothing.
    private int ValidateBatches(byte[] batches)
    {
        if (batches.Length == 0)
        {
            throw new InvalidRecordException("The append carried no record batch.");
        }

        var count = 0;
        var position = 0;
        while (position < batches.Length)
        {
            var remaining = batches.AsSpan(position);
            if (remaining.Length < RecordBatchHeader.Size)
            {
                throw new InvalidRecordException($"Record batch at byte {position} is truncated: {remaining.Length} bytes left, a batch header needs {RecordBatchHeader.Size}.");
            }

            var size = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(remaining[8..]) + 12L;
            if (size > remaining.Length || size < RecordBatchHeader.Size)
            {
                if (size > _config.MaxMessageBytes)
                {
                    throw new RecordTooLargeException($"Record batch at byte {position} declares {size} bytes; {_key.Topic} accepts at most {_config.MaxMessageBytes} (max.message.bytes).");
                }

                throw new InvalidRecordException($"Record batch at byte {position} declares {size} bytes but {remaining.Length} remain; the batch is truncated or corrupt.");
            }

            var header = RecordBatch.Validate(remaining[..(int)size], _config.MaxMessageBytes, deep: RecordBatchHeader.Read(remaining).Compression == CompressionType.None);
            if (header.IsControl || header.IsTransactional)
            {
                throw new InvalidRecordException("Transactional and control batches are not supported.");
            }

            position += (int)size;
            count++;
        }

        return count;
    }

    // Until records past offset arrive, maxWait passes, or the caller cancels (a consumer that stopped need not hold the wait).
    private async Task WaitForDataAsync(long offset, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(maxWait);
        var expired = Task.Delay(Timeout.Infinite, timeout.Token);
        while (offset >= _highWatermark && _unavailable is null && !_stopping && !expired.IsCompleted)
        {
            await Task.WhenAny(_flushed.Task, expired);
        }
    }

    private async Task ReadFromStorageAsync(long offset, int maxBytes, List<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken)
    {
        var segments = manifest.State.Segments;
        if (offset >= _activeBase)
        {
            await _reader.ReadAsync(ActiveBlob, _activeSize, _activeIndex, offset, maxBytes, chunks, cancellationToken);
            return;
        }

        var segment = FindSegment(segments, offset) ?? throw new OffsetOutOfRangeException(_key.Topic, _key.Partition, offset, manifest.State.LogStartOffset, _highWatermark);
        var index = await _reader.GetIndexAsync(SegmentPaths.Index(_key.TopicId, _key.Partition, segment.BaseOffset), segment.BaseOffset, cancellationToken);
        await _reader.ReadAsync(SegmentPaths.Log(_key.TopicId, _key.Partition, segment.BaseOffset), segment.SizeBytes, index, offset, maxBytes, chunks, cancellationToken);
    }

    // One copy into the response, unless the batches already fill one whole array.
    private static byte[] Concatenate(List<ReadOnlyMemory<byte>> chunks)
    {
        if (chunks.Count == 0)
        {
            return [];
        }

        if (chunks.Count == 1 && MemoryMarshal.TryGetArray(chunks[0], out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length)
        {
            return whole.Array;
        }

        var size = 0;
        foreach (var chunk in chunks)
        {
            size += chunk.Length;
        }

        var records = GC.AllocateUninitializedArray<byte>(size);
        var position = 0;
        foreach (var chunk in chunks)
        {
            chunk.Span.CopyTo(records.AsSpan(position));
            position += chunk.Length;
        }

        return records;
    }

    private static SegmentInfo? FindSegment(List<SegmentInfo> segments, long offset)
    {
        int lo = 0, hi = segments.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var segment = segments[mid];
            if (offset < segment.BaseOffset)
            {
                hi = mid - 1;
            }
            else if (offset > segment.LastOffset)
            {
                lo = mid + 1;
            }
            else
            {
                return segment;
            }
        }

        return null;
    }

    private async Task<OffsetAndTimestamp> FindTimestampAsync(string blobName, long size, SegmentIndex index, long timestamp)
    {
        await foreach (var batch in _reader.ScanAsync(blobName, size, index.FindTimestamp(timestamp).Position, CancellationToken.None))
        {
            var header = RecordBatchHeader.Read(batch.Span);
            if (header.MaxTimestamp < timestamp)
            {
                continue;
            }

            if (header.TimestampType == TimestampType.LogAppendTime)
            {
                return new OffsetAndTimestamp(header.BaseOffset, header.MaxTimestamp);
            }

            foreach (var record in RecordBatchReader.ReadRecords(batch))
            {
                if (record.Timestamp >= timestamp)
                {
                    return new OffsetAndTimestamp(record.Offset, record.Timestamp);
                }
            }
        }

        return new OffsetAndTimestamp(-1, -1);
    }

    private void FailPending(Exception error)
    {
        while (_ackWaiters.TryDequeue(out var waiter))
        {
            waiter.Durable.TrySetException(Clone(error));
        }

        _flushed.TrySetResult();
    }

    // Each caller gets its own exception object of the same type, rather than one shared instance thrown many times.
    private static Exception Clone(Exception error) => error switch
    {
        UnknownTopicException e => new UnknownTopicException(e.Message),
        ProducerFencedException e => new ProducerFencedException(e.Message),
        OutOfOrderSequenceException e => new OutOfOrderSequenceException(e.Message),
        StorageException e => new StorageException(e.Message),
        _ => new NotLeaderException(error.Message),
    };

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly record struct AckWaiter(long LastOffset, TaskCompletionSource Durable);
}
