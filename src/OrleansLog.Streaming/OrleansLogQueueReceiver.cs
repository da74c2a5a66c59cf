using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansLog.Client;

namespace OrleansLog.Streaming;

/// <summary>
/// Reads one queue's partition: long-poll reads of the tail into the cache, reads from the log for cursors behind the cache, and the
/// queue's checkpoint (committed offsets of the provider's consumer group).
/// </summary>
internal sealed partial class OrleansLogQueueReceiver(
    PartitionSource source, OrleansLogQueueCache cache, OrleansLogStreamOptions options, Func<Task> topicsReady, ILogger logger, TimeProvider time)
    : IQueueAdapterReceiver
{
    private readonly CancellationTokenSource _stopping = new();
    // A queue that cannot start (its topic has another partition count, storage is down) tries again this long after, not every tick.
    private static readonly TimeSpan StartRetryDelay = TimeSpan.FromSeconds(5);

    private bool _started;
    private Task? _starting;
    private DateTimeOffset _startRetryAt;
    private long _position;
    private Task<(List<OrleansLogBatchContainer> Events, long Next)>? _tailRead;
    private long _committed = -1;
    private long _checkpoint = -1;
    private DateTimeOffset _lastCommit;

    public async Task Initialize(TimeSpan timeout)
    {
        try
        {
            await StartOnceAsync().WaitAsync(timeout, time);
        }
        catch (TimeoutException)
        {
            // The start goes on; the first read waits for it.
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            _startRetryAt = time.GetUtcNow() + StartRetryDelay;
            LogStartFailed(logger, source.Topic, source.Partition, e.Message);
        }
    }

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
    {
        var result = new List<IBatchContainer>();
        try
        {
            if (!_started && !await TryStartAsync())
            {
                return result;
            }

            await CheckpointAsync();
            if (!cache.ReadRequested.IsCompleted)
            {
                _tailRead ??= ReadTailAsync(_position);
                await Task.WhenAny(_tailRead, cache.ReadRequested);
            }

            if (cache.ReadRequested.IsCompleted)
            {
                await ReadForCursorsAsync(result);
            }

            if (_tailRead is { IsCompleted: true } read)
            {
                _tailRead = null;
                var (events, next) = await read;
                _position = next;
                cache.ReadTo(next, events.Count > 0);
                result.AddRange(events);
            }
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            // The agent asks again on its next tick; its own retry waits 10 seconds or more, too long for a partition that moved.
            _tailRead = null;
            LogReadFailed(logger, source.Topic, source.Partition, _position, e.GetType().Name, e.Message);
        }

        return result;
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    public async Task Shutdown(TimeSpan timeout)
    {
        // Stops a read still waiting; the final commit below has its own deadline.
        _stopping.Cancel();
        try
        {
            if (_started)
            {
                // The agent's cursors are gone by now: commit what it handed over, or the last checkpoint seen while they lived.
                _checkpoint = cache.FinalCheckpoint ?? _checkpoint;
                using var deadline = new CancellationTokenSource(timeout, time);
                await CommitAsync(deadline.Token);
            }
        }
        catch (Exception e)
        {
            LogCommitFailed(logger, source.Topic, source.Partition, _checkpoint, e.Message);
        }
        finally
        {
            cache.Release();
        }
    }

    private async Task<bool> TryStartAsync()
    {
        if (time.GetUtcNow() < _startRetryAt)
        {
            return false;
        }

        try
        {
            await StartOnceAsync();
            return true;
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            _startRetryAt = time.GetUtcNow() + StartRetryDelay;
            LogStartFailed(logger, source.Topic, source.Partition, e.Message);
            return false;
        }
    }

    /// <summary>Starts the queue, or waits for the start already under way (one that timed out in Initialize goes on).</summary>
    private Task StartOnceAsync()
    {
        if (_starting is null || _starting.IsFaulted || _starting.IsCanceled)
        {
            _starting = StartAsync();
        }

        return _starting;
    }

    private async Task StartAsync()
    {
        await topicsReady();
        var committed = await source.CommittedAsync(_stopping.Token);
        _position = committed ?? await source.ListOffsetAsync(options.InitialPosition, _stopping.Token);
        _committed = committed ?? -1;
        _checkpoint = _position;
        _lastCommit = time.GetUtcNow();
        cache.StartAt(_position);
        _started = true;
        LogStarted(logger, source.Topic, source.Partition, _position, committed is null ? "no checkpoint" : "checkpoint");
    }

    private async Task<(List<OrleansLogBatchContainer>, long)> ReadTailAsync(long position)
    {
        var events = new List<OrleansLogBatchContainer>();
        var (next, logStart) = await source.ReadAsync(position, options.FetchMaxBytes, options.FetchMaxWait, null, events.Add, _stopping.Token);
        if (position < logStart)
        {
            LogSkippedRemoved(logger, source.Topic, source.Partition, position, logStart);
        }

        return (events, next);
    }

    private async Task ReadForCursorsAsync(List<IBatchContainer> result)
    {
        foreach (var cursor in cache.TakeReads())
        {
            try
            {
                if (cursor.Timestamp >= 0)
                {
                    cursor.StartAt(await source.OffsetForTimestampAsync(cursor.Timestamp, _stopping.Token));
                }
                else if (cursor.LogReadPosition < cache.Start)
                {
                    var events = new List<OrleansLogBatchContainer>();
                    var from = cursor.LogReadPosition;
                    var (next, logStart) = await source.ReadAsync(from, options.FetchMaxBytes, TimeSpan.Zero, cursor.StreamId, events.Add, _stopping.Token);
                    cursor.AddFromLog(events, next, logStart);
                    LogReadForCursor(logger, source.Topic, source.Partition, cursor.StreamId, from, next, events.Count, cache.Start);
                }
            }
            catch (Exception e) when (!_stopping.IsCancellationRequested)
            {
                // The cursor still waits: ask again on the agent's next read.
                LogReadFailed(logger, source.Topic, source.Partition, cursor.LogReadPosition, e.GetType().Name, e.Message);
                cache.RequestRead(cursor);
                continue;
            }

            // The cursor's consumer went idle waiting for this read; an item of its stream makes the agent run it again.
            result.Add(new WakeUp(cursor.StreamId, new OrleansLogSequenceToken(Math.Max(0, cursor.LogReadPosition))));
        }
    }

    private async Task CheckpointAsync()
    {
        _checkpoint = cache.Checkpoint();
        if (time.GetUtcNow() - _lastCommit < options.CheckpointInterval)
        {
            return;
        }

        _lastCommit = time.GetUtcNow();
        try
        {
            await CommitAsync(_stopping.Token);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            // Reading goes on; the next interval commits again (a later checkpoint covers this one).
            LogCommitFailed(logger, source.Topic, source.Partition, _checkpoint, e.Message);
        }
    }

    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        if (_checkpoint > _committed)
        {
            await source.CommitAsync(_checkpoint, cancellationToken);
            _committed = _checkpoint;
        }
    }

    /// <summary>Wakes a consumer whose cursor got events from the log; never cached or delivered.</summary>
    private sealed class WakeUp(StreamId streamId, StreamSequenceToken token) : IBatchContainer
    {
        public StreamId StreamId { get; } = streamId;

        public StreamSequenceToken SequenceToken { get; } = token;

        public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() => [];

        public bool ImportRequestContext() => false;
    }

    [LoggerMessage(1, LogLevel.Information, "Queue of {Topic}/{Partition} starts at offset {Offset} ({From}).")]
    private static partial void LogStarted(ILogger logger, string topic, int partition, long offset, string from);

    [LoggerMessage(2, LogLevel.Warning, "Queue of {Topic}/{Partition} could not start, trying again in 5 s: {Message}")]
    private static partial void LogStartFailed(ILogger logger, string topic, int partition, string message);

    [LoggerMessage(3, LogLevel.Warning, "Reading {Topic}/{Partition} at offset {Offset} failed ({Error}: {Message}); trying again.")]
    private static partial void LogReadFailed(ILogger logger, string topic, int partition, long offset, string error, string message);

    [LoggerMessage(4, LogLevel.Warning, "Queue of {Topic}/{Partition} could not commit its checkpoint {Offset}: {Message}")]
    private static partial void LogCommitFailed(ILogger logger, string topic, int partition, long offset, string message);

    [LoggerMessage(6, LogLevel.Debug, "Read {Topic}/{Partition} from {From} to {Next} for a subscription of {Stream} behind the cache (which starts at {CacheStart}): {Events} events.")]
    private static partial void LogReadForCursor(ILogger logger, string topic, int partition, StreamId stream, long from, long next, int events, long cacheStart);

    [LoggerMessage(5, LogLevel.Warning, "Queue of {Topic}/{Partition} was at offset {Offset}, which retention removed; it goes on at the log start {LogStart}.")]
    private static partial void LogSkippedRemoved(ILogger logger, string topic, int partition, long offset, long logStart);
}
