using Orleans.Runtime;
using Orleans.Streams;
using OrleansLog.Partitions;

namespace OrleansLog.Streaming;

/// <summary>
/// The events of one queue recently read from its partition, and the cursors reading them. A cursor whose next event is older than
/// the cache reads it from the log instead (its reads are made by the queue's receiver, so nothing here waits), which is why there is
/// no cache miss: any retained offset can be read. Memory stays bounded: delivered events leave once the cache is full.
/// </summary>
/// <remarks>
/// The pulling agent calls the cache, its cursors and the receiver one turn at a time on its own scheduler, so nothing here locks.
/// </remarks>
internal sealed class OrleansLogQueueCache(OrleansLogStreamOptions options, DeadLetters deadLetters, ISiloMemoryBudget? siloBudget, TimeProvider time) : IQueueCache
{
    private readonly List<OrleansLogBatchContainer> _entries = [];
    private readonly HashSet<OrleansLogCursor> _cursors = [];
    private readonly HashSet<OrleansLogCursor> _reads = [];
    private TaskCompletionSource _readRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _first;
    private long _bytes;
    private DateTimeOffset? _pressureSince;
    private long? _frozenCheckpoint;
    private long _pendingEnd = -1;

    /// <summary>The first offset the cache holds every event from (the queue's start, or past the last event that left).</summary>
    public long Start { get; private set; } = -1;

    /// <summary>The offset after the last record read from the partition: every event in [<see cref="Start"/>, <see cref="End"/>) is here.</summary>
    public long End { get; private set; } = -1;

    public long Bytes => _bytes;

    public int Count => _entries.Count - _first;

    public int MaxDeliveryAttempts => options.MaxDeliveryAttempts;

    public int MaxEventsPerDelivery => options.MaxEventsPerDelivery;

    /// <summary>Completes when a cursor asks for a read from the log.</summary>
    public Task ReadRequested => _readRequested.Task;

    /// <summary>Where the queue starts reading: nothing before is cached.</summary>
    public void StartAt(long offset)
    {
        Start = offset;
        End = offset;
    }

    /// <summary>
    /// The receiver read the partition up to <paramref name="next"/>. With events, the end moves when the agent adds them (a cursor
    /// must not see the new end before the events); without, it moves now.
    /// </summary>
    public void ReadTo(long next, bool withEvents)
    {
        if (withEvents)
        {
            _pendingEnd = next;
        }
        else
        {
            End = Math.Max(End, next);
        }
    }

    /// <summary>The checkpoint the agent handed over when it stopped the queue, if it did.</summary>
    public long? FinalCheckpoint => _frozenCheckpoint;

    public int GetMaxAddCount() => QueueAdapterConstants.UNLIMITED_GET_QUEUE_MSG;

    public void AddToCache(IList<IBatchContainer> messages)
    {
        HashSet<StreamId>? streams = null;
        long added = 0;
        foreach (var message in messages)
        {
            // Wake-up items from the receiver are not events.
            if (message is not OrleansLogBatchContainer container)
            {
                continue;
            }

            _entries.Add(container);
            added += container.CacheBytes;
            (streams ??= []).Add(container.StreamId);
        }

        End = Math.Max(End, _pendingEnd);
        if (streams is null)
        {
            return;
        }

        _bytes += added;
        siloBudget?.Add(added);
        foreach (var cursor in _cursors)
        {
            if (cursor.IsIdle && streams.Contains(cursor.StreamId))
            {
                cursor.Wake();
            }
        }
    }

    public bool TryPurgeFromCache(out IList<IBatchContainer> purgedItems)
    {
        purgedItems = null!;
        if (!IsOverBudget())
        {
            _pressureSince = null;
            return false;
        }

        var needed = OldestNeededInCache();
        var pressureOver = _pressureSince is { } since && time.GetUtcNow() - since >= options.MaxCachePressureTime;
        List<IBatchContainer>? purged = null;
        while (Count > 0 && IsOverBudget() && (_entries[_first].Token.Offset < needed || pressureOver))
        {
            var head = _entries[_first];
            _entries[_first++] = null!;
            _bytes -= head.CacheBytes;
            siloBudget?.Add(-head.CacheBytes);
            Start = head.Token.Offset + 1;
            (purged ??= []).Add(head);
        }

        if (Count == 0)
        {
            Start = End;
        }

        if (_first > 1024 && _first * 2 > _entries.Count)
        {
            _entries.RemoveRange(0, _first);
            _first = 0;
        }

        if (purged is null)
        {
            return false;
        }

        if (!IsOverBudget())
        {
            _pressureSince = null;
        }

        purgedItems = purged;
        return true;
    }

    /// <summary>Full, and a cursor still needs the oldest event: reading pauses (for at most <see cref="OrleansLogStreamOptions.MaxCachePressureTime"/>).</summary>
    public bool IsUnderPressure()
    {
        // Events before the oldest a cursor still needs can go, which relieves the cache without pausing.
        if (Count == 0 || !IsOverBudget() || _entries[_first].Token.Offset < OldestNeededInCache())
        {
            return false;
        }

        var now = time.GetUtcNow();
        _pressureSince ??= now;
        return now - _pressureSince.Value < options.MaxCachePressureTime;
    }

    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token) => Track(new OrleansLogCursor(this, streamId, token));

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(GetCacheCursor(streamId, token));

    public QueueCacheCursorResult<IQueueCacheCursor> TryGetCacheCursorAtPosition(StreamId streamId, StreamSubscriptionStartPosition startPosition) =>
        QueueCacheCursorResult<IQueueCacheCursor>.FromCursor(Track(startPosition == StreamSubscriptionStartPosition.EarliestAvailable
            ? new OrleansLogCursor(this, streamId, new OrleansLogSequenceToken(0))
            : new OrleansLogCursor(this, streamId, null)));

    /// <summary>The agent is stopping the queue and every delivery has finished: the checkpoint it hands over is the one now.</summary>
    public void UpdateDeliveryProgress(StreamSequenceToken? earliestSubscriptionToken, DateTime utcNow) => _frozenCheckpoint = Checkpoint();

    /// <summary>
    /// The offset every event before which has been delivered to all its subscribers (or has none): the smallest position of the
    /// cursors still delivering, or the end of what was read. Once the agent reported its final progress, that value.
    /// </summary>
    public long Checkpoint()
    {
        if (_frozenCheckpoint is { } frozen)
        {
            return frozen;
        }

        var checkpoint = End;
        foreach (var cursor in _cursors)
        {
            checkpoint = Math.Min(checkpoint, cursor.Holds);
        }

        return checkpoint;
    }

    /// <summary>The index of the first cached event at or after <paramref name="offset"/> (the count when none).</summary>
    internal int IndexOf(long offset)
    {
        int low = _first, high = _entries.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_entries[middle].Token.Offset < offset)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    internal int EntryCount => _entries.Count;

    internal OrleansLogBatchContainer EntryAt(int index) => _entries[index];

    /// <summary>A cursor needs events from the log: the receiver reads them and wakes the cursor's consumer.</summary>
    internal void RequestRead(OrleansLogCursor cursor)
    {
        // A read that failed asks again for its cursor, which the agent may have disposed meanwhile.
        if (!cursor.IsDisposed && _reads.Add(cursor))
        {
            _readRequested.TrySetResult();
        }
    }

    /// <summary>Takes the cursors waiting for log reads.</summary>
    internal List<OrleansLogCursor> TakeReads()
    {
        var reads = _reads.ToList();
        _reads.Clear();
        _readRequested = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return reads;
    }

    internal void DeadLetter(OrleansLogBatchContainer[] events, int attempts) => deadLetters.Add(events, attempts);

    internal void Forget(OrleansLogCursor cursor)
    {
        _cursors.Remove(cursor);
        _reads.Remove(cursor);
    }

    /// <summary>Gives the cache's memory back to the silo budget (the queue stopped).</summary>
    internal void Release()
    {
        siloBudget?.Add(-_bytes);
        _bytes = 0;
        _entries.Clear();
        _first = 0;
    }

    private OrleansLogCursor Track(OrleansLogCursor cursor)
    {
        _cursors.Add(cursor);
        return cursor;
    }

    private bool IsOverBudget() => Count > 0 && (_bytes > options.CacheBytes || siloBudget?.IsOverBudget == true);

    private long OldestNeededInCache()
    {
        var oldest = long.MaxValue;
        foreach (var cursor in _cursors)
        {
            if (!cursor.IsIdle && cursor.Holds >= Start)
            {
                oldest = Math.Min(oldest, cursor.Holds);
            }
        }

        return oldest;
    }
}
