using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Storage;
using OrleansLog.Compaction;
using OrleansLog.Errors;
using OrleansLog.Hosting;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Partitions;

/// <summary>
/// One partition of a topic. The grain keeps the partition's state and the order of its calls and coordinates plain classes:
/// the <see cref="PartitionLog"/> (idempotence, offsets, hot tail), the <see cref="ActiveSegment"/>, the <see cref="GroupCommitter"/>
/// (flushes, seals, acks), <see cref="PartitionRecovery"/> and the <see cref="LogCompactor"/>; it serves fetches, timestamp lookups,
/// retention and compaction.
/// </summary>
/// <remarks>
/// Reentrant so that appends waiting for durability, long-poll fetches and the flusher interleave. Every state change happens
/// between awaits, on the activation's single thread, so no locks are needed except around manifest writes.
/// Fencing: only the activation holding the active segment's blob lease and the newest leader epoch can write; a stale one gets
/// 412 from storage, fails its waiting produces with <see cref="NotLeaderException"/> and deactivates.
/// </remarks>
[GrainType(GrainTypes.Partition)]
[Reentrant]
[RandomPlacement]
internal sealed class PartitionGrain : Grain, IPartitionGrain
{
    /// <summary>The name of the manifest's grain state, for readers of stored manifests.</summary>
    internal const string ManifestStateName = "manifest";

    private readonly PartitionGrainKey _key;
    private readonly ISegmentStore _store;
    private readonly TailMemoryBudget _budget;
    private readonly PartitionRecoveryLimiter _recoveries;
    private readonly PartitionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ShutdownFlushReport _shutdownReport;
    private readonly SegmentReader _reader;
    private readonly ManifestWriter _manifest;
    private readonly PartitionLog _log;
    private readonly ActiveSegment _active;
    private readonly GroupCommitter _committer;
    private SchemaIdValidator? _schemaIds;
    private readonly PartitionRecovery _recovery;
    private readonly PartitionStorageReader _storage;
    private readonly CompactionLimiter _compactions;
    private readonly LogCompactor _compactor;

    private TopicConfig _config = TopicConfig.Default;
    private Exception? _unavailable;
    private bool _registered;
    private bool _stopping;
    private long _lastUsedAt;
    private Task _flusher = Task.CompletedTask;
    private IGrainTimer? _maintenance;
    private Task _compaction = Task.CompletedTask;
    private CancellationTokenSource? _compactionStop;

    public PartitionGrain(
        IGrainContext context,
        [PersistentState(ManifestStateName, OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<PartitionManifest> manifest,
        ISegmentStore store,
        TailMemoryBudget budget,
        PartitionRecoveryLimiter recoveries,
        AcknowledgedOffsets acknowledged,
        IOptions<PartitionOptions> options,
        TimeProvider time,
        ILogger<PartitionGrain> logger,
        ShutdownFlushReport shutdownReport,
        CompactionLimiter compactions)
    {
        _key = PartitionGrainKey.Parse(context.GrainId.Key.ToString()!);
        _store = store;
        _budget = budget;
        _recoveries = recoveries;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _shutdownReport = shutdownReport;
        _lastUsedAt = time.GetTimestamp();
        _reader = new SegmentReader(store, _options.ReadAheadBytes);
        _manifest = new ManifestWriter(manifest, _key);
        _log = new PartitionLog(budget, time);
        _log.Producers.SequencesMissing = ReportMissingSequences;
        _active = new ActiveSegment(store, _key, logger);
        _committer = new GroupCommitter(_key, _log, _active, _manifest, _reader, acknowledged, _options, time, logger, Stop);
        _recovery = new PartitionRecovery(_key, _manifest, _log, _active, _committer, _reader, acknowledged, time, logger);
        _storage = new PartitionStorageReader(_reader, _key);
        _compactions = compactions;
        _compactor = new LogCompactor(store, compactions);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            _config = await GrainFactory.GetGrain<ITopicGrain>(_key.Topic).GetPartitionConfigAsync(_key.TopicId, _key.Partition);
            _committer.Config = _config;
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
            await _recoveries.RecoverAsync(_key, ct => _recovery.RecoverAsync(_config, _budget.PartitionShare, ct), cancellationToken);
        }
        catch (Exception e) when (e is not NotLeaderException)
        {
            // Storage too slow or down to recover from (the activation's own deadline included): a typed, retriable error
            // rather than a bare cancellation, so producers and consumers retry into a later activation. No inner exception:
            // storage client exceptions need not be serializable across grain calls.
            throw new StorageException($"Partition {_key.Topic}-{_key.Partition} could not recover its log from storage: {e.GetType().Name}: {e.Message} Retry.");
        }

        _budget.Register();
        _registered = true;
        _flusher = _committer.RunAsync();
        _maintenance = this.RegisterGrainTimer(RunMaintenanceAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.MaintenanceInterval,
            Period = _options.MaintenanceInterval,
            Interleave = true,
        });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var highWatermarkBefore = _log.HighWatermark;
        _maintenance?.Dispose();
        _stopping = true;
        _committer.Stop();
        await StopCompactionAsync(cancellationToken);
        try
        {
            // A graceful deactivation flushes what is pending, so acks=Leader data survives moves and shutdowns.
            await _flusher.WaitAsync(cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            _logger.DeactivationFlushIncomplete(_key.Topic, _key.Partition, _log.PendingBytes);
        }

        _logger.Deactivated(_key.Topic, _key.Partition, reason.Description, _log.HighWatermark, _log.PendingBytes);
        if (reason.ReasonCode == DeactivationReasonCode.ShuttingDown && _unavailable is null)
        {
            _shutdownReport.Record(_key.Topic, _key.Partition, _log.HighWatermark - highWatermarkBefore, _log.HighWatermark, _log.PendingBytes);
        }

        if (_unavailable is null && _log.PendingBytes == 0 && _registered)
        {
            // Everything is durable: record where the log ends, so describing the idle partition needs no activation, and hand the
            // segment over, so the next activation need not break a lease.
            await RecordCleanStopAsync();
            await _active.ReleaseLeaseAsync();
        }

        _committer.Fail(_unavailable ?? new NotLeaderException($"Partition {_key.Topic}-{_key.Partition} moved or shut down before the append was durable; retry."));
        if (_registered)
        {
            _budget.Unregister(_log.ClearTail());
            _registered = false;
        }
    }

    public async Task<AppendResult> AppendAsync(byte[] batches, Acks acks, CancellationToken cancellationToken)
    {
        var (result, lastOffset) = await AppendToTailAsync(batches, cancellationToken);
        if (acks == Acks.All && lastOffset >= _log.HighWatermark)
        {
            await _committer.WaitDurableAsync(lastOffset);
        }
        else if (lastOffset >= 0)
        {
            _committer.Signal();
        }

        return result;
    }

    public async Task<PendingAppend> AppendPendingAsync(byte[] batches, CancellationToken cancellationToken)
    {
        var (result, lastOffset) = await AppendToTailAsync(batches, cancellationToken);
        if (lastOffset >= 0)
        {
            // The flush starts now; appends that arrive while it runs go together in the next one.
            _committer.Signal();
        }

        return new PendingAppend(result, lastOffset >= _log.HighWatermark ? lastOffset : -1, _manifest.Current.LeaderEpoch);
    }

    public Task WaitDurableAsync(long lastOffset, int leaderEpoch, CancellationToken cancellationToken)
    {
        if (_unavailable is not null)
        {
            throw PartitionErrors.Copy(_unavailable);
        }

        // The epoch is the activation's: a later one recovered the log from storage and may have given these offsets to other records.
        if (leaderEpoch != _manifest.Current.LeaderEpoch)
        {
            throw new NotLeaderException($"Partition {_key.Topic}-{_key.Partition} moved (leader epoch {leaderEpoch} is now {_manifest.Current.LeaderEpoch}) before offset {lastOffset} was durable; retry the append.");
        }

        if (lastOffset < _log.HighWatermark)
        {
            return Task.CompletedTask;
        }

        ThrowIfUnavailable();
        return _committer.WaitDurableAsync(lastOffset);
    }

    // Validates the batches and appends them to the hot tail: the offsets are assigned and the order fixed. Returns the last offset
    // that must reach storage before the append is durable, -1 when none (every batch was a retry of one already in the log).
    private async Task<(AppendResult Result, long LastOffset)> AppendToTailAsync(byte[] batches, CancellationToken cancellationToken)
    {
        // Cancellation is honoured only before the batches are taken: once offsets are assigned, the append runs to its end.
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfUnavailable();
        LogAppend append;
        var logAppendTime = -1L;
        using (var validated = ValidatedBatches.Validate(batches, _config.MaxMessageBytes, _key.Topic, requireKeys: _config.Compacts))
        {
            if (_config.ValidatesSchemas)
            {
                _schemaIds ??= new SchemaIdValidator(GrainFactory.GetGrain<Schemas.ISchemaRegistryGrain>(Schemas.ISchemaRegistryGrain.Key), _key.Topic, _time);
                await _schemaIds.ValidateAsync(validated, _config);
                ThrowIfUnavailable();
            }

            while (_log.PendingBytes > _options.MaxPendingBytes)
            {
                // Back-pressure: storage is behind; wait for the flusher instead of buffering without bound.
                await _committer.Flushed;
                ThrowIfUnavailable();
            }

            if (_config.MessageTimestampType == TimestampType.LogAppendTime)
            {
                logAppendTime = NowMs();
            }

            append = _log.Append(validated, _manifest.Current.LeaderEpoch, logAppendTime);
        }

        if (append.AppendedBytes > 0)
        {
            PartitionMetrics.AppendedBytes.Add(append.AppendedBytes);
        }

        return (new AppendResult(append.BaseOffset, logAppendTime, _manifest.Current.LogStartOffset, append.BatchOffsets), append.LastOffset);
    }

    public async Task<FetchResult> FetchAsync(long offset, int maxBytes, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        if (maxBytes <= 0)
        {
            throw new OrleansLogException(Errors.ErrorCode.InvalidRequest, $"Fetch maxBytes must be positive; got {maxBytes}.");
        }

        ThrowIfOutOfRange(offset);
        if (offset == _log.HighWatermark && maxWait > TimeSpan.Zero)
        {
            await WaitForDataAsync(offset, maxWait, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfUnavailable();
            ThrowIfOutOfRange(offset);
        }

        var chunks = new List<ReadOnlyMemory<byte>>(2);
        if (offset < _log.HighWatermark
            && !_log.TryReadTail(offset, maxBytes, chunks)
            && !await _storage.ReadAsync(_manifest.Current, _active, offset, maxBytes, chunks, cancellationToken))
        {
            throw new OffsetOutOfRangeException(_key.Topic, _key.Partition, offset, _manifest.Current.LogStartOffset, _log.HighWatermark);
        }

        var result = new FetchResult(_log.HighWatermark, _manifest.Current.LogStartOffset, FetchedRecords.Concatenate(chunks));
        PartitionMetrics.FetchedBytes.Add(result.Records.Length);
        return result;
    }

    public async Task<OffsetAndTimestamp> ListOffsetAsync(long timestamp, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        return timestamp switch
        {
            OffsetSpec.Earliest => new OffsetAndTimestamp(_manifest.Current.LogStartOffset, -1),
            OffsetSpec.Latest => new OffsetAndTimestamp(_log.HighWatermark, -1),
            < 0 => throw new OrleansLogException(Errors.ErrorCode.InvalidRequest, $"List offsets takes a timestamp in ms, -1 (latest) or -2 (earliest); got {timestamp}."),
            _ => await _storage.FindTimestampAsync(_manifest.Current.Segments, _active, timestamp),
        };
    }

    public Task<PartitionDescription> DescribeAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        return Task.FromResult(_manifest.Current.Describe(_key.Partition, _log.HighWatermark, _active.Size, RuntimeIdentity, _config.Compacts));
    }

    public Task UpdateConfigAsync(TopicConfig config, CancellationToken cancellationToken)
    {
        ThrowIfUnavailable();
        _config = config;
        _committer.Config = config;
        _committer.Signal();
        return Task.CompletedTask;
    }

    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        _unavailable = new UnknownTopicException($"Topic '{_key.Topic}' (id {_key.TopicId}) was deleted.");
        _stopping = true;
        _compactionStop?.Cancel();
        _committer.Fail(_unavailable);
        await _manifest.ClearAsync();
        DeactivateOnIdle();
    }

    // A fenced or persistently failing partition fails everything pending and deactivates, so clients retry against a fresh
    // activation that recovers from storage.
    private void Stop(Exception error)
    {
        _unavailable = error;
        _committer.Fail(error);
        DeactivateOnIdle();
    }

    private void ThrowIfUnavailable()
    {
        _lastUsedAt = _time.GetTimestamp();
        if (_unavailable is not null)
        {
            throw PartitionErrors.Copy(_unavailable);
        }

        if (_stopping)
        {
            throw new NotLeaderException($"Partition {_key.Topic}-{_key.Partition} is moving or shutting down; retry.");
        }
    }

    private void ThrowIfOutOfRange(long offset)
    {
        if (offset < _manifest.Current.LogStartOffset || offset > _log.HighWatermark)
        {
            throw new OffsetOutOfRangeException(_key.Topic, _key.Partition, offset, _manifest.Current.LogStartOffset, _log.HighWatermark);
        }
    }

    // Until records past offset arrive, maxWait passes, or the caller cancels (a consumer that stopped need not hold the wait).
    private async Task WaitForDataAsync(long offset, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(maxWait);
        var expired = Task.Delay(Timeout.Infinite, timeout.Token);
        while (offset >= _log.HighWatermark && _unavailable is null && !_stopping && !expired.IsCompleted)
        {
            await Task.WhenAny(_committer.Flushed, expired);
        }
    }

    private async Task RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        if (_unavailable is not null || _stopping)
        {
            return;
        }

        StartCompactionIfDue();
        if (_log.PendingBytes == 0 && _committer.WaitingAcks == 0 && _compaction.IsCompleted && _time.GetElapsedTime(_lastUsedAt) > _options.IdleTimeout)
        {
            // Idle partitions cost next to nothing: this one records where its log ends and leaves memory (Orleans' own idle
            // collection would keep it for hours). The next call activates it again from storage.
            DeactivateOnIdle();
            return;
        }

        if (_config.Deletes)
        {
            await ApplyRetentionAsync(cancellationToken);
        }

        if (_active.IsDueToRoll(_config, NowMs()))
        {
            _committer.RequestRoll();
        }

        _log.TrimTail();
    }

    private async Task ApplyRetentionAsync(CancellationToken cancellationToken)
    {
        var segments = _manifest.Current.Segments;
        var remove = RetentionPolicy.SegmentsToDelete(segments, _active.Size, _config, NowMs());
        if (remove == 0)
        {
            return;
        }

        var removed = segments.GetRange(0, remove);
        var newStart = remove < segments.Count ? segments[remove].BaseOffset : _active.BaseOffset;
        try
        {
            await _manifest.UpdateAsync(m =>
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

        _log.TrimBefore(newStart);
        foreach (var segment in removed)
        {
            await DeleteSegmentAsync(segment, cancellationToken);
            PartitionMetrics.DeletedSegments.Add(1);
        }

        _logger.Retention(_key.Topic, _key.Partition, remove, _manifest.Current.LogStartOffset);
    }

    private Task DeleteSegmentAsync(SegmentInfo segment, CancellationToken cancellationToken)
    {
        _reader.Forget(SegmentPaths.Log(_key.TopicId, _key.Partition, segment), SegmentPaths.Index(_key.TopicId, _key.Partition, segment));
        return _store.DeleteSegmentAsync(_key.TopicId, _key.Partition, segment, cancellationToken);
    }

    // Compaction runs beside appends and fetches, never in their way: the grain only takes a snapshot of the manifest, and the
    // compactor reads and writes blobs on the thread pool. Only the switch to the new segments happens on the grain's turn.
    private void StartCompactionIfDue()
    {
        if (!_config.Compacts || !_compaction.IsCompleted)
        {
            return;
        }

        var manifest = _manifest.Current;
        var end = CompactionSchedule.DueEnd(manifest.Segments, manifest.CleanedUpTo, _config, NowMs());
        if (end < 0)
        {
            return;
        }

        PartitionMetrics.CompactionDirtyRatio.Record(CompactionSchedule.DirtyRatio(manifest.Segments, manifest.CleanedUpTo));
        _compactionStop?.Dispose();
        _compactionStop = new CancellationTokenSource();
        _compaction = CompactAsync(_compactionStop.Token);
    }

    private async Task CompactAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        try
        {
            // The slot first: the pass then starts from the manifest as it is once it may run.
            var result = await _compactions.RunAsync(
                async () =>
                {
                    await DeleteOrphansAsync(cancellationToken);
                    var manifest = _manifest.Current;
                    var end = CompactionSchedule.DueEnd(manifest.Segments, manifest.CleanedUpTo, _config, NowMs());
                    if (end < 0)
                    {
                        return null;
                    }

                    var request = new CompactionRequest(
                        _key.TopicId, _key.Partition, manifest.Segments.ToArray(), manifest.CleanedUpTo, end, _config, NowMs(), _options.CompactionMemoryBytes);
                    return await Task.Run(() => _compactor.CompactAsync(request, cancellationToken), cancellationToken);
                },
                cancellationToken);
            if (result is null)
            {
                return;
            }

            if (_options.BeforeCompactionSwap is { } hook)
            {
                await hook(cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var switched = false;
            await _manifest.UpdateAsync(m => switched = m.TrySwitchTo(result, NowMs()));

            if (!switched)
            {
                _logger.CompactionSuperseded(_key.Topic, _key.Partition);
                foreach (var segment in result.Written)
                {
                    await DeleteSegmentAsync(segment, CancellationToken.None);
                }

                return;
            }

            // The tail still holds those offsets as they were before compaction; reads of them now go to the compacted segments.
            _log.TrimBefore(result.CleanedUpTo);

            var duration = _time.GetElapsedTime(started).TotalMilliseconds;
            PartitionMetrics.CompactionReadBytes.Add(result.BytesRead);
            PartitionMetrics.CompactionReclaimedBytes.Add(result.BytesReclaimed);
            PartitionMetrics.CompactionDuration.Record(duration);
            PartitionMetrics.CompactionFinished(NowMs());
            _logger.Compacted(_key.Topic, _key.Partition, result.CleanedUpTo, result.Replaced.Count, result.Replacement.Count, result.BytesReclaimed, result.BytesRead, result.MapKeys, result.MapBytes, duration);

            // Fetches that found the old segments before the switch may still be reading them.
            foreach (var segment in result.Obsolete)
            {
                _reader.Forget(SegmentPaths.Log(_key.TopicId, _key.Partition, segment), SegmentPaths.Index(_key.TopicId, _key.Partition, segment));
            }

            await Task.Delay(_options.CompactionDeleteDelay, _time, cancellationToken);
            foreach (var segment in result.Obsolete)
            {
                await DeleteSegmentAsync(segment, cancellationToken);
            }
        }
        catch (NotLeaderException e)
        {
            Stop(e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The activation is stopping; what the pass wrote (or replaced) is deleted as orphans by the next one.
        }
        catch (Exception e)
        {
            _logger.CompactionFailed(_key.Topic, _key.Partition, e);
        }
    }

    // Deletes segment blobs no manifest refers to: the new segments of a pass that crashed before its manifest switch, the old ones
    // of a pass that crashed after it, and checkpoints of segments already sealed. Only names below the active segment's base offset
    // are considered, so the active segment and one being sealed are never touched.
    private async Task DeleteOrphansAsync(CancellationToken cancellationToken)
    {
        var prefix = SegmentPaths.PartitionPrefix(_key.TopicId, _key.Partition);
        var deleted = 0;
        foreach (var name in await _store.ListAsync(prefix, cancellationToken))
        {
            var manifest = _manifest.Current;
            if (!SegmentPaths.TryParse(name[prefix.Length..], out var baseOffset, out var generation, out var kind)
                || baseOffset >= manifest.ActiveBaseOffset
                || (kind != "checkpoint" && manifest.Segments.Exists(s => s.BaseOffset == baseOffset && s.Generation == generation)))
            {
                continue;
            }

            await _store.DeleteAsync(name, cancellationToken);
            deleted++;
        }

        if (deleted > 0)
        {
            _logger.OrphansDeleted(_key.Topic, _key.Partition, deleted);
        }
    }

    private async Task StopCompactionAsync(CancellationToken cancellationToken)
    {
        _compactionStop?.Cancel();
        try
        {
            await _compaction.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Best effort: without the record, describing the idle partition activates it to find out where its log ends.
    private async Task RecordCleanStopAsync()
    {
        try
        {
            var highWatermark = _log.HighWatermark;
            var activeBytes = _active.Size;
            await _manifest.UpdateAsync(m =>
            {
                m.StoppedHighWatermark = highWatermark;
                m.StoppedActiveSegmentBytes = activeBytes;
            });
        }
        catch (Exception e) when (e is NotLeaderException or StorageException or InconsistentStateException or OperationCanceledException)
        {
            _logger.CleanStopNotRecorded(_key.Topic, _key.Partition, e.Message);
        }
    }

    // The partition's producers send in order, one request at a time: a sequence beyond the expected one means batches this
    // partition acknowledged are gone from storage.
    private void ReportMissingSequences(long producerId, int expected, int received)
    {
        PartitionMetrics.LogRegressions.Add(1, new KeyValuePair<string, object?>("topic", _key.Topic));
        _logger.SequencesMissing(_key.Topic, _key.Partition, producerId, received, expected, _log.NextOffset);
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
