using System.Collections.Concurrent;
using OrleansLog.Client.Serialization;
using OrleansLog.Records;

namespace OrleansLog.Client;

/// <summary>
/// Hands out a consumer's records one at a time: walks the fetched chunks, their batches and their records, decoding a record only when
/// the app asks for it, skipping what lies before a partition's position and whatever an older fetch generation brought. Also carries
/// failures from the background (fetchers, the group, callbacks) to the app's next consume.
/// </summary>
internal sealed class RecordCursor<TKey, TValue>(
    ConsumerOptions options,
    PartitionAssignment assignment,
    IDeserializer<TKey> keyDeserializer,
    IDeserializer<TValue> valueDeserializer,
    TimeProvider time)
{
    private readonly ConcurrentQueue<FetchedChunk> _queue = new();
    private readonly SemaphoreSlim _available = new(0);
    private volatile Exception? _failure;
    private volatile bool _closed;
    private FetchedChunk? _chunk;
    private RecordBatchSequence.Enumerator _batches;
    private RecordBatchRecords.Enumerator _records;
    private bool _inBatch;
    private long _batchLastOffset;

    /// <summary>Queues a fetched chunk (a fetcher calls this).</summary>
    public void Deliver(FetchedChunk chunk)
    {
        _queue.Enqueue(chunk);
        _available.Release();
    }

    /// <summary>Makes the next consume throw <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        _failure = error;
        _available.Release();
    }

    /// <summary>Makes every later consume throw <see cref="ObjectDisposedException"/>.</summary>
    public void Close() => _closed = true;

    /// <summary>Waits up to <paramref name="timeout"/> for the next record, blocking the thread; null when none arrived in time.</summary>
    public ConsumeResult<TKey, TValue>? Consume(TimeSpan timeout)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            if (TryNext(out var result))
            {
                return result;
            }

            if (!TryGetRemaining(timeout, started, out var remaining) || !_available.Wait(remaining))
            {
                return null;
            }

            _available.Release();
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the next record without blocking a thread; null when none arrived in time.</summary>
    public async ValueTask<ConsumeResult<TKey, TValue>?> ConsumeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            if (TryNext(out var result))
            {
                return result;
            }

            if (!TryGetRemaining(timeout, started, out var remaining) || !await _available.WaitAsync(remaining, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            _available.Release();
        }
    }

    // What is left of a consume's timeout that began at the timestamp started; false once it has run out. An infinite timeout stays infinite.
    private bool TryGetRemaining(TimeSpan timeout, long started, out TimeSpan remaining)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            remaining = timeout;
            return true;
        }

        remaining = timeout - time.GetElapsedTime(started);
        return remaining > TimeSpan.Zero;
    }

    // Walks chunk → batch → record; skips records before the partition's position (a fetch returns whole batches)
    // and chunks of an older generation (fetched before a seek or reassignment).
    private bool TryNext(out ConsumeResult<TKey, TValue>? result)
    {
        ObjectDisposedException.ThrowIf(_closed, typeof(Consumer<TKey, TValue>));
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

                // A compacted batch may have lost its last records; its offsets still end at its last offset, as Kafka's do.
                if (_chunk.Generation == fetcher.Generation)
                {
                    fetcher.Position = Math.Max(fetcher.Position, _batchLastOffset + 1);
                }

                _inBatch = false;
            }

            if (_chunk is not null)
            {
                if (assignment.IsCurrent(_chunk) && _batches.MoveNext())
                {
                    var batch = _batches.Current;
                    var header = RecordBatchHeader.Read(batch.Span);
                    if (header.LastOffset < _chunk.Fetcher.Position || header.IsControl)
                    {
                        continue;
                    }

                    try
                    {
                        _records = RecordBatchReader.ReadRecords(batch, options.CheckCrcs, options.MaxDecompressedBatchBytes).GetEnumerator();
                    }
                    catch (Errors.InvalidRecordException)
                    {
                        // Stop at the corrupt batch: fetch it again from the current position, and let the app decide (seek past it).
                        var fetcher = _chunk.Fetcher;
                        ReleaseChunk();
                        fetcher.Start(fetcher.Position);
                        throw;
                    }

                    _batchLastOffset = header.LastOffset;
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
            if (next is null || !assignment.IsCurrent(next))
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
            Key = keyDeserializer.Deserialize(record.Key.Span, record.IsKeyNull),
            Value = valueDeserializer.Deserialize(record.Value.Span, record.IsValueNull),
            Headers = record.HeaderCount == 0 ? null : record.GetHeaders(),
            Timestamp = record.Timestamp,
        },
    };
}
