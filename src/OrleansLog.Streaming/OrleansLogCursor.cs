using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansLog.Streaming;

/// <summary>
/// One subscription's place in a queue: it walks the cache for its stream's events, and below the cache's start walks events the
/// receiver read for it from the log (asking for the next read while it still has events to deliver, so delivery rarely waits).
/// </summary>
internal sealed class OrleansLogCursor : IQueueCacheCursor
{
    private const int ReadAheadEvents = 64;

    private readonly OrleansLogQueueCache _cache;
    private readonly Queue<OrleansLogBatchContainer> _fromLog = new();
    private long _position;
    private long _timestamp = -1;
    private long _logReadTo;
    private IBatchContainer? _current;
    private OrleansLogBatchContainer[]? _currentEvents;
    private int _failures;
    private bool _redeliver;
    private long _deliveredAt = -1;

    public OrleansLogCursor(OrleansLogQueueCache cache, StreamId streamId, StreamSequenceToken? token)
    {
        _cache = cache;
        StreamId = streamId;
        switch (token)
        {
            case null:
                // From now on: the next event read.
                _position = cache.End;
                IsIdle = true;
                break;
            case OrleansLogSequenceToken { Timestamp: >= 0 } at:
                _timestamp = at.Timestamp;
                _position = -1;
                break;
            default:
                _position = Math.Max(0, token.SequenceNumber);
                if (token is OrleansLogSequenceToken { IsEventToken: true })
                {
                    // The token of an event a subscriber already has: the agent moves the cursor past it before delivering.
                    _deliveredAt = _position;
                }

                break;
        }

        _logReadTo = _position;
    }

    public StreamId StreamId { get; }

    /// <summary>Has nothing left to deliver in what the queue has read: it holds back neither the checkpoint nor the cache.</summary>
    public bool IsIdle { get; private set; }

    public bool IsDisposed { get; private set; }

    /// <summary>The offset every event of this cursor's stream before which has been delivered (the event being delivered, if any).</summary>
    public long Holds => IsIdle || _position < 0 ? long.MaxValue : _currentEvents is { } current ? current[0].Token.Offset : _position;

    /// <summary>The offset the next log read for this cursor starts at, or -1 while its start time is not resolved into an offset.</summary>
    public long LogReadPosition => _position < 0 ? -1 : Math.Max(_logReadTo, _position);

    /// <summary>The start time still to resolve, in Unix ms, or -1.</summary>
    public long Timestamp => _position < 0 ? _timestamp : -1;

    public IBatchContainer? GetCurrent(out Exception? exception)
    {
        exception = null;
        return _current;
    }

    public bool MoveNext()
    {
        if (_redeliver)
        {
            _redeliver = false;
            return true;
        }

        _current = null;
        _currentEvents = null;
        _failures = 0;
        if (_position < 0)
        {
            _cache.RequestRead(this);
            return false;
        }

        if (_position < _cache.Start)
        {
            if (_position == _deliveredAt)
            {
                // The agent steps over the already delivered event by comparing tokens, in this same call; the event itself has left
                // the cache (a queue that moved resumes at its checkpoint), so a stand-in with its token takes its place rather than a
                // read from the log the agent cannot wait for.
                _deliveredAt = -1;
                Deliver([new OrleansLogBatchContainer(StreamId, OrleansLogSequenceToken.ForEvent(_position), null, StreamEventFormat.Orleans, null, null)]);
                return true;
            }

            return MoveNextFromLog();
        }

        // The agent steps over an already delivered event alone: it must not come batched with the events after it.
        var deliveredAt = _deliveredAt;
        _deliveredAt = -1;

        // A log read may have reached into the cache; from here the cache has the events.
        _fromLog.Clear();

        OrleansLogBatchContainer? first = null;
        List<OrleansLogBatchContainer>? more = null;
        for (var index = _cache.IndexOf(_position); index < _cache.EntryCount; index++)
        {
            var entry = _cache.EntryAt(index);
            if (!entry.StreamId.Equals(StreamId))
            {
                continue;
            }

            if (first is null)
            {
                first = entry;
            }
            else
            {
                (more ??= [first]).Add(entry);
            }

            if ((more?.Count ?? 1) == _cache.MaxEventsPerDelivery || first.Token.Offset == deliveredAt)
            {
                break;
            }
        }

        if (first is not null)
        {
            Deliver(more?.ToArray() ?? [first]);
            return true;
        }

        _position = Math.Max(_position, _cache.End);
        IsIdle = true;
        return false;
    }

    public QueueCacheCursorMoveResult MoveNextWithResult() => MoveNext() ? QueueCacheCursorMoveResult.Success : QueueCacheCursorMoveResult.NoData;

    public void Refresh(StreamSequenceToken token)
    {
        // New events for this stream reached the cache; the next MoveNext finds them.
    }

    public void RecordDeliveryFailure()
    {
        if (_current is null)
        {
            return;
        }

        _failures++;
        if (_failures < _cache.MaxDeliveryAttempts)
        {
            _redeliver = true;
        }
        else
        {
            _cache.DeadLetter(_currentEvents!, _failures);
        }
    }

    /// <summary>New events of this cursor's stream arrived in the cache.</summary>
    public void Wake() => IsIdle = false;

    /// <summary>The receiver resolved this cursor's start time into an offset.</summary>
    public void StartAt(long offset)
    {
        _position = offset;
        _logReadTo = offset;
    }

    /// <summary>
    /// The receiver read this cursor's stream from the log up to <paramref name="next"/>; <paramref name="logStart"/> is where the log
    /// begins now (events before it were removed by retention).
    /// </summary>
    public void AddFromLog(List<OrleansLogBatchContainer> events, long next, long logStart)
    {
        var from = LogReadPosition;
        if (from < logStart && _fromLog.Count == 0)
        {
            // Retention removed the events the cursor was at: it goes on with the oldest still there.
            _position = Math.Max(_position, logStart);
        }

        foreach (var e in events)
        {
            if (e.Token.Offset >= from)
            {
                _fromLog.Enqueue(e);
            }
        }

        _logReadTo = Math.Max(from, next);
    }

    public void Dispose()
    {
        IsDisposed = true;
        _cache.Forget(this);
    }

    /// <summary>Makes <paramref name="events"/> (one stream's, in offset order) the current delivery: one event, or a batch of them.</summary>
    private void Deliver(OrleansLogBatchContainer[] events)
    {
        _currentEvents = events;
        _current = events.Length == 1 ? events[0] : new OrleansLogEventBatch(events);
        _position = events[^1].Token.Offset + 1;
    }

    private bool MoveNextFromLog()
    {
        while (_fromLog.TryPeek(out var stale) && stale.Token.Offset < _position)
        {
            _fromLog.Dequeue();
        }

        if (_fromLog.TryDequeue(out var next))
        {
            if (_cache.MaxEventsPerDelivery == 1 || _fromLog.Count == 0)
            {
                Deliver([next]);
            }
            else
            {
                var events = new List<OrleansLogBatchContainer> { next };
                while (events.Count < _cache.MaxEventsPerDelivery && _fromLog.TryDequeue(out var following))
                {
                    events.Add(following);
                }

                Deliver([.. events]);
            }

            if (_fromLog.Count < ReadAheadEvents && _logReadTo < _cache.Start)
            {
                _cache.RequestRead(this);
            }

            return true;
        }

        // Everything of this stream below what the log reads reached has been delivered.
        _position = Math.Max(_position, _logReadTo);
        if (_position >= _cache.Start)
        {
            return MoveNext();
        }

        _cache.RequestRead(this);
        return false;
    }
}
