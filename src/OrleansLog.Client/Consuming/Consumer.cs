using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using OrleansLog.Client.Serialization;
using OrleansLog.Records;

namespace OrleansLog.Client;

/// <summary>
/// Consumes records from assigned partitions. Each partition is prefetched in the background by long-poll fetches; records are
/// decoded one at a time from the fetched batches as the app consumes them. Consume from one thread at a time; <see cref="Assign(IEnumerable{TopicPartitionOffset})"/>,
/// <see cref="Seek"/> and consuming may be called from different threads.
/// </summary>
public sealed class Consumer<TKey, TValue> : IAsyncDisposable
{
    private readonly OrleansLogClient _client;
    private readonly ConsumerOptions _options;
    private readonly IDeserializer<TKey> _keyDeserializer;
    private readonly IDeserializer<TValue> _valueDeserializer;
    private readonly ConcurrentQueue<FetchedChunk> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private readonly object _assignLock = new();
    private Dictionary<TopicPartition, PartitionFetcher> _fetchers = [];

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
        _keyDeserializer = keyDeserializer;
        _valueDeserializer = valueDeserializer;
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
            foreach (var position in partitions)
            {
                Topics.TopicName.Validate(position.Topic);
                var tp = position.TopicPartition;
                if (next.ContainsKey(tp))
                {
                    throw new ArgumentException($"Partition {tp} is assigned twice.", nameof(partitions));
                }

                var fetcher = _fetchers.Remove(tp, out var existing) ? existing : new PartitionFetcher(tp, _client, _options, Deliver);
                fetcher.Start(position.Offset);
                next[tp] = fetcher;
            }

            foreach (var removed in _fetchers.Values)
            {
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

    /// <summary>Waits up to <paramref name="timeout"/> for the next record; null when none arrived in time.</summary>
    public ConsumeResult<TKey, TValue>? Consume(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            if (TryNext(out var result))
            {
                return result;
            }

            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0 || !_available.Wait(TimeSpan.FromMilliseconds(remaining)))
            {
                return null;
            }

            _available.Release();
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the next record without blocking a thread; null when none arrived in time.</summary>
    public async ValueTask<ConsumeResult<TKey, TValue>?> ConsumeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            if (TryNext(out var result))
            {
                return result;
            }

            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0 || !await _available.WaitAsync(TimeSpan.FromMilliseconds(remaining), cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            _available.Release();
        }
    }

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

    /// <summary>Stops fetching.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

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
        while (true)
        {
            if (_inBatch)
            {
                var fetcher = _chunk!.Fetcher;
                while (_records.MoveNext())
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
