using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OrleansLog.Client.Serialization;
using OrleansLog.Client.Telemetry;
using OrleansLog.Errors;
using OrleansLog.Groups;
using OrleansLog.Records;

namespace OrleansLog.Client;

/// <summary>
/// Consumes records from assigned partitions. Each partition is prefetched in the background by long-poll fetches; records are
/// decoded one at a time from the fetched batches as the app consumes them. Consume from one thread at a time; <see cref="Assign(IEnumerable{TopicPartitionOffset})"/>,
/// <see cref="Seek"/> and consuming may be called from different threads. With <see cref="ConsumerOptions.GroupId"/> set, <see cref="Subscribe"/>
/// joins the consumer group, which assigns the partitions; positions are committed to the group automatically or by <see cref="Commit()"/>.
/// </summary>
public sealed class Consumer<TKey, TValue> : IAsyncDisposable, IGroupMemberHost
{
    private readonly OrleansLogClient _client;
    private readonly ConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly IDeserializer<TKey> _keyDeserializer;
    private readonly IDeserializer<TValue> _valueDeserializer;
    private readonly ConcurrentQueue<FetchedChunk> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly object _assignLock = new();
    private readonly IConsumerGroupGrain? _group;
    private readonly ConcurrentDictionary<TopicPartition, long> _lastCommitted = new();
    private readonly HashSet<TopicPartition> _paused = [];
    private readonly CancellationTokenSource _autoCommitStop = new();
    private readonly Task _autoCommitLoop = Task.CompletedTask;
    private Dictionary<TopicPartition, PartitionFetcher> _fetchers = [];
    private GroupMembership? _membership;
    private RebalanceListener? _listener;
    private string[] _subscription = [];
    private volatile Exception? _failure;
    private bool _closed;

    private FetchedChunk? _chunk;
    private RecordBatchSequence.Enumerator _batches;
    private RecordBatchRecords.Enumerator _records;
    private bool _inBatch;
    private bool _disposed;

    internal Consumer(OrleansLogClient client, ConsumerOptions options, IDeserializer<TKey> keyDeserializer, IDeserializer<TValue> valueDeserializer)
    {
        options.Validate();
        _client = client;
        _options = options;
        _logger = client.LoggerFactory.CreateLogger("OrleansLog.Client.Consumer");
        _keyDeserializer = keyDeserializer;
        _valueDeserializer = valueDeserializer;
        if (options.GroupId is not null)
        {
            _group = client.GrainFactory.GetGrain<IConsumerGroupGrain>(options.GroupId);
            if (options.EnableAutoCommit)
            {
                _autoCommitLoop = Task.Run(() => AutoCommitAsync(_autoCommitStop.Token));
            }
        }
    }

    /// <summary>The topics this consumer subscribed to (empty for a consumer that assigns partitions itself).</summary>
    public IReadOnlyList<string> Subscription => _subscription;

    /// <summary>The member id the group gave this consumer, or null while it is not a member.</summary>
    public string? MemberId => _membership?.MemberId;

    /// <summary>
    /// Joins the consumer group <see cref="ConsumerOptions.GroupId"/> subscribed to <paramref name="topics"/> (topics created later are picked up);
    /// the group assigns the partitions, and <paramref name="listener"/> hears about each change. Records flow once the first assignment arrives.
    /// </summary>
    public void Subscribe(IEnumerable<string> topics, RebalanceListener? listener = null)
    {
        ObjectDisposedException.ThrowIf(_disposed || _closed, this);
        if (_group is null)
        {
            GroupId.Validate(_options.GroupId);
        }

        string[] names = [.. topics.Distinct(StringComparer.Ordinal)];
        if (names.Length == 0)
        {
            throw new ArgumentException("Subscribe needs at least one topic name.", nameof(topics));
        }

        foreach (var name in names)
        {
            Topics.TopicName.Validate(name);
        }

        lock (_assignLock)
        {
            if (_membership is not null)
            {
                throw new InvalidOperationException($"This consumer is already subscribed to {string.Join(", ", _subscription)}; close it and create a new consumer to change the subscription.");
            }

            if (_fetchers.Count > 0)
            {
                throw new InvalidOperationException("This consumer has manually assigned partitions; a consumer either assigns partitions or subscribes, not both. Unassign first.");
            }

            _listener = listener;
            _subscription = names;
            _membership = new GroupMembership(_group!, _options, names, this, _logger);
        }

        _membership.Start();
    }

    // Commit and Commit(offsets) block the calling thread on purpose, like Consume(timeout): they are Kafka's commitSync for apps with a
    // synchronous consume loop; async code uses CommitAsync.

    /// <summary>Commits the positions of every assigned partition (the offset after the last record consumed), blocking until they are durable.</summary>
    public IReadOnlyList<TopicPartitionOffset> Commit() => CommitAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Commits specific offsets (the next offset to consume in each partition), blocking until they are durable.</summary>
    public void Commit(IEnumerable<TopicPartitionOffset> offsets) => CommitAsync(offsets).AsTask().GetAwaiter().GetResult();

    /// <summary>Commits the positions of every assigned partition; completes when they are durable.</summary>
    public async ValueTask<IReadOnlyList<TopicPartitionOffset>> CommitAsync(CancellationToken cancellationToken = default)
    {
        var positions = ConsumedPositions(null);
        await CommitAsync(positions, cancellationToken).ConfigureAwait(false);
        return positions;
    }

    /// <summary>Commits specific offsets (the next offset to consume in each partition), with optional <paramref name="metadata"/>; completes when they are durable.</summary>
    public async ValueTask CommitAsync(IEnumerable<TopicPartitionOffset> offsets, CancellationToken cancellationToken = default, string? metadata = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var group = _group ?? throw new InvalidGroupIdException("This consumer has no ConsumerOptions.GroupId, so it has no group to commit offsets to; set GroupId.");
        var commits = new List<CommittedOffset>();
        foreach (var offset in offsets)
        {
            if (offset.Offset < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(offsets), offset.Offset, $"Cannot commit {offset}: a committed offset is the next offset to consume, 0 or more.");
            }

            commits.Add(new CommittedOffset(offset.Topic, offset.Partition, offset.Offset, metadata));
        }

        if (commits.Count == 0)
        {
            return;
        }

        var membership = _membership;
        if (membership is null)
        {
            await group.CommitStandaloneOffsetsAsync([.. commits]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var memberId = membership.MemberId ?? throw new UnknownMemberException($"This consumer is not a member of group '{_options.GroupId}' right now (it is joining, or its session expired); commit after partitions are assigned.");
            try
            {
                await group.CommitOffsetsAsync(memberId, membership.Generation, [.. commits]).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IllegalGenerationException)
            {
                // The generation moved on while this consumer still owns the partitions (another member joined or left): refresh it and commit once more.
                await membership.RefreshAsync().ConfigureAwait(false);
                await group.CommitOffsetsAsync(memberId, membership.Generation, [.. commits]).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var commit in commits)
        {
            _lastCommitted[commit.TopicPartition] = commit.Offset;
        }
    }

    /// <summary>The group's committed offsets for <paramref name="partitions"/>; <see cref="Offset.Unset"/> where there is none.</summary>
    public async Task<IReadOnlyList<TopicPartitionOffset>> CommittedAsync(IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken = default)
    {
        var group = _group ?? throw new InvalidGroupIdException("This consumer has no ConsumerOptions.GroupId, so it has no committed offsets; set GroupId.");
        var asked = partitions.ToList();
        var found = await group.FetchOffsetsAsync([.. asked]).WaitAsync(cancellationToken).ConfigureAwait(false);
        var byPartition = found.ToDictionary(o => o.TopicPartition, o => o.Offset);
        return [.. asked.Select(p => new TopicPartitionOffset(p.Topic, p.Partition, byPartition.GetValueOrDefault(p, Offset.Unset)))];
    }

    /// <summary>Stops handing out records of these assigned partitions (and fetching them) until <see cref="Resume"/>; positions are kept.</summary>
    public void Pause(IEnumerable<TopicPartition> partitions)
    {
        lock (_assignLock)
        {
            foreach (var tp in partitions)
            {
                var fetcher = _fetchers.GetValueOrDefault(tp) ?? throw new InvalidOperationException($"Cannot pause {tp}: it is not assigned to this consumer.");
                if (_paused.Add(tp))
                {
                    _ = fetcher.StopAsync();
                }
            }
        }
    }

    /// <summary>Resumes paused partitions at their positions.</summary>
    public void Resume(IEnumerable<TopicPartition> partitions)
    {
        lock (_assignLock)
        {
            foreach (var tp in partitions)
            {
                var fetcher = _fetchers.GetValueOrDefault(tp) ?? throw new InvalidOperationException($"Cannot resume {tp}: it is not assigned to this consumer.");
                if (_paused.Remove(tp))
                {
                    fetcher.Start(fetcher.Position >= 0 ? fetcher.Position : Offset.Unset);
                }
            }
        }
    }

    /// <summary>The partitions paused now.</summary>
    public IReadOnlyList<TopicPartition> Paused
    {
        get
        {
            lock (_assignLock)
            {
                return [.. _paused];
            }
        }
    }

    /// <summary>
    /// Leaves the group promptly: revokes every partition (revoked callback, then auto-commit of consumed positions), tells the group so the partitions
    /// move at once, and stops fetching. A consumer that only assigns partitions commits its consumed positions when auto-commit is on.
    /// </summary>
    public async Task CloseAsync()
    {
        if (_closed || _disposed)
        {
            return;
        }

        _closed = true;
        _autoCommitStop.Cancel();
        await _autoCommitLoop.ConfigureAwait(false);
        if (_membership is not null)
        {
            await _membership.StopAsync(leave: true).ConfigureAwait(false);
        }
        else if (_group is not null && _options.EnableAutoCommit)
        {
            await CommitConsumedAsync(null).ConfigureAwait(false);
        }
    }

    /// <summary>Stops heartbeating, committing and fetching at once, without revoking, committing or leaving: what a crashed process does (for tests of session expiry).</summary>
    internal async Task AbandonAsync()
    {
        _closed = true;
        _autoCommitStop.Cancel();
        await _autoCommitLoop.ConfigureAwait(false);
        if (_membership is not null)
        {
            await _membership.StopAsync(leave: false).ConfigureAwait(false);
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    async Task IGroupMemberHost.AssignAsync(IReadOnlyList<TopicPartition> partitions)
    {
        var assigned = new List<TopicPartition>(partitions.Count);
        lock (_assignLock)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var tp in partitions)
            {
                var fetcher = NewFetcher(tp);
                _fetchers[tp] = fetcher;
                fetcher.Start(Offset.Unset);
                assigned.Add(tp);
            }
        }

        await InvokeAsync(_listener?.PartitionsAssigned, assigned).ConfigureAwait(false);
    }

    async Task IGroupMemberHost.RevokeAsync(IReadOnlyList<TopicPartition> partitions, bool lost)
    {
        var revoked = new List<TopicPartition>(partitions.Count);
        var stops = new List<Task>(partitions.Count);
        lock (_assignLock)
        {
            foreach (var tp in partitions)
            {
                revoked.Add(tp);

                // Stop first, so no record of the partition is handed out while the app and auto-commit settle its position.
                if (_fetchers.TryGetValue(tp, out var fetcher))
                {
                    stops.Add(fetcher.StopAsync());
                }
            }
        }

        if (lost)
        {
            await InvokeAsync(_listener?.PartitionsLost, revoked).ConfigureAwait(false);
        }
        else
        {
            await InvokeAsync(_listener?.PartitionsRevoked, revoked).ConfigureAwait(false);
            if (_options.EnableAutoCommit)
            {
                await CommitConsumedAsync(revoked).ConfigureAwait(false);
            }
        }

        lock (_assignLock)
        {
            foreach (var tp in revoked)
            {
                _fetchers.Remove(tp);
                _paused.Remove(tp);
                _lastCommitted.TryRemove(tp, out _);
            }
        }

        try
        {
            await Task.WhenAll(stops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    void IGroupMemberHost.Fail(Exception error)
    {
        _failure = error;
        _available.Release();
    }

    private async Task InvokeAsync(Func<IReadOnlyList<TopicPartition>, ValueTask>? callback, List<TopicPartition> partitions)
    {
        if (callback is null || partitions.Count == 0)
        {
            return;
        }

        try
        {
            await callback(partitions).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The app's callback failed: the rebalance goes on (the group must not wait forever), and the app sees the error on its next consume.
            ((IGroupMemberHost)this).Fail(e);
        }
    }

    private PartitionFetcher NewFetcher(TopicPartition tp) =>
        new(tp, _client, _options, Deliver, _group is null ? null : CommittedOffsetAsync);

    private async Task<long> CommittedOffsetAsync(TopicPartition partition, CancellationToken cancellationToken)
    {
        var found = await _group!.FetchOffsetsAsync([partition]).WaitAsync(cancellationToken).ConfigureAwait(false);
        return found.Length == 0 ? -1 : found[0].Offset;
    }

    // The positions (next offset to consume) of assigned partitions that moved since their last commit; all of them, or those in the filter.
    private List<TopicPartitionOffset> ConsumedPositions(List<TopicPartition>? only)
    {
        var positions = new List<TopicPartitionOffset>();
        lock (_assignLock)
        {
            foreach (var (tp, fetcher) in _fetchers)
            {
                var position = fetcher.Position;
                if (position >= 0 && (only is null || only.Contains(tp)) && (!_lastCommitted.TryGetValue(tp, out var last) || last != position))
                {
                    positions.Add(new TopicPartitionOffset(tp.Topic, tp.Partition, position));
                }
            }
        }

        return positions;
    }

    private async Task CommitConsumedAsync(List<TopicPartition>? only)
    {
        try
        {
            await CommitAsync(ConsumedPositions(only)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IllegalGenerationException or UnknownMemberException or FencedInstanceIdException || Retry.IsTransient(e))
        {
            // An automatic commit the group refused (this member no longer owns the partition) or that could not reach it: the records since the
            // last commit are delivered again to the partition's next owner, which is the at-least-once promise.
            ClientLog.AutoCommitFailed(_logger, _options.GroupId!, e.GetType().Name, e.Message);
        }
    }

    private async Task AutoCommitAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.AutoCommitInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await CommitConsumedAsync(null).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                ((IGroupMemberHost)this).Fail(e);
            }
        }
    }

    /// <summary>The partitions currently assigned.</summary>
    public IReadOnlyList<TopicPartition> Assignment
    {
        get
        {
            lock (_assignLock)
            {
                return [.. _fetchers.Keys];
            }
        }
    }

    /// <summary>Replaces the assignment with these partitions, each starting at its offset (or <see cref="Offset.Beginning"/>, <see cref="Offset.End"/>, <see cref="Offset.Unset"/>).</summary>
    public void Assign(IEnumerable<TopicPartitionOffset> partitions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var next = new Dictionary<TopicPartition, PartitionFetcher>();
        lock (_assignLock)
        {
            if (_membership is not null)
            {
                throw new InvalidOperationException($"This consumer subscribed to {string.Join(", ", _subscription)}, so its group assigns its partitions; use a consumer without Subscribe to assign partitions manually.");
            }

            foreach (var position in partitions)
            {
                Topics.TopicName.Validate(position.Topic);
                var tp = position.TopicPartition;
                if (next.ContainsKey(tp))
                {
                    throw new ArgumentException($"Partition {tp} is assigned twice.", nameof(partitions));
                }

                var fetcher = _fetchers.Remove(tp, out var existing) ? existing : NewFetcher(tp);
                _paused.Remove(tp);
                fetcher.Start(position.Offset);
                next[tp] = fetcher;
            }

            foreach (var (removedPartition, removed) in _fetchers)
            {
                _paused.Remove(removedPartition);
                _ = removed.StopAsync();
            }

            _fetchers = next;
        }
    }

    /// <summary>Replaces the assignment with these partitions, starting where <see cref="ConsumerOptions.AutoOffsetReset"/> says.</summary>
    public void Assign(IEnumerable<TopicPartition> partitions)
    {
        var positions = new List<TopicPartitionOffset>();
        foreach (var tp in partitions)
        {
            positions.Add(new TopicPartitionOffset(tp.Topic, tp.Partition, Offset.Unset));
        }

        Assign(positions);
    }

    /// <summary>Removes every assigned partition.</summary>
    public void Unassign() => Assign(Array.Empty<TopicPartitionOffset>());

    /// <summary>Moves an assigned partition's position; the next record consumed from it is at <paramref name="position"/>'s offset.</summary>
    public void Seek(TopicPartitionOffset position)
    {
        lock (_assignLock)
        {
            if (!_fetchers.TryGetValue(position.TopicPartition, out var fetcher))
            {
                throw new InvalidOperationException($"Cannot seek {position.TopicPartition}: it is not assigned to this consumer.");
            }

            fetcher.Start(position.Offset);
        }
    }

    /// <summary>The offset of the next record this consumer hands out from <paramref name="partition"/>, or <see cref="Offset.Unset"/> while not known yet.</summary>
    public long Position(TopicPartition partition)
    {
        lock (_assignLock)
        {
            return _fetchers.TryGetValue(partition, out var fetcher) ? fetcher.Position : throw new InvalidOperationException($"Partition {partition} is not assigned to this consumer.");
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until one arrives) for the next record; null when none arrived in time.</summary>
    public ConsumeResult<TKey, TValue>? Consume(TimeSpan timeout)
    {
        var deadline = Deadline(timeout);
        while (true)
        {
            if (TryNext(out var result))
            {
                return result;
            }

            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0 || !_available.Wait(WaitFor(deadline, remaining)))
            {
                return null;
            }

            _available.Release();
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until one arrives or <paramref name="cancellationToken"/>
    /// is cancelled) for the next record without blocking a thread; null when none arrived in time.
    /// </summary>
    public async ValueTask<ConsumeResult<TKey, TValue>?> ConsumeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Deadline(timeout);
        while (true)
        {
            if (TryNext(out var result))
            {
                return result;
            }

            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0 || !await _available.WaitAsync(WaitFor(deadline, remaining), cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            _available.Release();
        }
    }

    private static long Deadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;

    private static TimeSpan WaitFor(long deadline, long remaining) =>
        deadline == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(remaining);

    /// <summary>Consumes records as they arrive until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<ConsumeResult<TKey, TValue>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ConsumeResult<TKey, TValue>? result;
            try
            {
                result = await ConsumeAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (result is not null)
            {
                yield return result;
            }
        }
    }

    /// <summary>The high watermark of an assigned partition as of its last fetch, or -1 when not fetched yet (for lag: high watermark minus position).</summary>
    public long GetHighWatermark(TopicPartition partition)
    {
        lock (_assignLock)
        {
            return _fetchers.TryGetValue(partition, out var fetcher) ? fetcher.HighWatermark : -1;
        }
    }

    /// <summary>Closes the consumer (see <see cref="CloseAsync"/>) and stops fetching.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await CloseAsync().ConfigureAwait(false);
        _disposed = true;
        Task[] stops;
        lock (_assignLock)
        {
            stops = [.. _fetchers.Values.Select(f => f.StopAsync())];
            _fetchers = [];
        }

        try
        {
            await Task.WhenAll(stops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Deliver(FetchedChunk chunk)
    {
        _queue.Enqueue(chunk);
        _available.Release();
    }

    // Walks chunk → batch → record; skips records before the partition's position (a fetch returns whole batches)
    // and chunks of an older generation (fetched before a seek or reassignment).
    private bool TryNext(out ConsumeResult<TKey, TValue>? result)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _failure, null) is { } failure)
        {
            throw failure;
        }

        while (true)
        {
            if (_inBatch)
            {
                var fetcher = _chunk!.Fetcher;

                // A revoked, paused or re-sought partition stops handing out records at once, even from the batch in hand.
                while (_chunk.Generation == fetcher.Generation && _records.MoveNext())
                {
                    var record = _records.Current;
                    if (record.Offset < fetcher.Position)
                    {
                        continue;
                    }

                    fetcher.Position = record.Offset + 1;
                    result = ToResult(fetcher.Partition, record);
                    return true;
                }

                _inBatch = false;
            }

            if (_chunk is not null)
            {
                if (IsCurrent(_chunk) && _batches.MoveNext())
                {
                    var batch = _batches.Current;
                    var header = RecordBatchHeader.Read(batch.Span);
                    if (header.LastOffset < _chunk.Fetcher.Position || header.IsControl)
                    {
                        continue;
                    }

                    try
                    {
                        _records = RecordBatchReader.ReadRecords(batch, _options.CheckCrcs, _options.MaxDecompressedBatchBytes).GetEnumerator();
                    }
                    catch (Errors.InvalidRecordException)
                    {
                        // Stop at the corrupt batch: fetch it again from the current position, and let the app decide (seek past it).
                        var fetcher = _chunk.Fetcher;
                        ReleaseChunk();
                        fetcher.Start(fetcher.Position);
                        throw;
                    }

                    _inBatch = true;
                    continue;
                }

                ReleaseChunk();
            }

            if (!_available.Wait(0))
            {
                result = null;
                return false;
            }

            _queue.TryDequeue(out var next);
            if (next is null || !IsCurrent(next))
            {
                next?.Fetcher.Consumed(next.Data.Length);
                continue;
            }

            if (next.Error is not null)
            {
                throw next.Error;
            }

            if (next.ResetPosition >= 0)
            {
                next.Fetcher.Position = next.ResetPosition;
                continue;
            }

            _chunk = next;
            _batches = new RecordBatchSequence(next.Data).GetEnumerator();
        }
    }

    private bool IsCurrent(FetchedChunk chunk)
    {
        lock (_assignLock)
        {
            return chunk.Generation == chunk.Fetcher.Generation && _fetchers.TryGetValue(chunk.Fetcher.Partition, out var fetcher) && fetcher == chunk.Fetcher;
        }
    }

    private void ReleaseChunk()
    {
        _chunk?.Fetcher.Consumed(_chunk.Data.Length);
        _chunk = null;
        _inBatch = false;
    }

    private ConsumeResult<TKey, TValue> ToResult(TopicPartition partition, in Record record) => new()
    {
        Topic = partition.Topic,
        Partition = partition.Partition,
        Offset = record.Offset,
        TimestampType = record.TimestampType,
        Message = new Message<TKey, TValue>
        {
            Key = _keyDeserializer.Deserialize(record.Key.Span, record.IsKeyNull),
            Value = _valueDeserializer.Deserialize(record.Value.Span, record.IsValueNull),
            Headers = record.HeaderCount == 0 ? null : record.GetHeaders(),
            Timestamp = record.Timestamp,
        },
    };
}
