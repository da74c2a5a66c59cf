using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansLog.Client.Partitioning;
using OrleansLog.Client.Serialization;
using OrleansLog.Client.Telemetry;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Producers;
using OrleansLog.Records;
using OrleansLog.Topics;

namespace OrleansLog.Client;

/// <summary>
/// Produces records to topics. Records are grouped per partition into v2 batches (<see cref="ProducerOptions.BatchSize"/>,
/// <see cref="ProducerOptions.Linger"/>); each partition has at most one append in flight, and batches sealed meanwhile travel together
/// in the next call. Idempotent by default with <see cref="Acks.All"/>: batches carry a producer id and per-partition sequence numbers,
/// so retries after silo loss, moves or timeouts write each batch once and in order. Thread-safe.
/// </summary>
public sealed class Producer<TKey, TValue> : IAsyncDisposable
{
    private readonly OrleansLogClient _client;
    private readonly ILogger _logger;
    private readonly ProducerOptions _options;
    private readonly ISerializer<TKey> _keySerializer;
    private readonly ISerializer<TValue> _valueSerializer;
    private readonly ConcurrentDictionary<TopicPartition, PartitionSender> _senders = new();
    private readonly ConcurrentDictionary<string, StrongBox> _sticky = new(StringComparer.Ordinal);
    private readonly object _orderLock = new();
    private Task _queuedBehind = Task.CompletedTask;
    private Task<long>? _producerId;
    private readonly BufferMemory _buffer;
    private volatile bool _disposed;

    internal Producer(OrleansLogClient client, ProducerOptions options, ISerializer<TKey> keySerializer, ISerializer<TValue> valueSerializer)
    {
        options.Validate();
        _client = client;
        _logger = client.LoggerFactory.CreateLogger("OrleansLog.Client.Producer");
        _options = options;
        _keySerializer = keySerializer;
        _valueSerializer = valueSerializer;
        _buffer = new BufferMemory(options.BufferMemory);
    }

    /// <summary>The settings this producer runs with.</summary>
    public ProducerOptions Options => _options;

    /// <summary>Produces one record to a partition the partitioner picks, and returns where it landed once the topic acknowledged it.</summary>
    public Task<DeliveryResult> ProduceAsync(string topic, Message<TKey, TValue> message, CancellationToken cancellationToken = default) =>
        ProduceCoreAsync(topic, null, message, cancellationToken);

    /// <summary>Produces one record to the given partition.</summary>
    public Task<DeliveryResult> ProduceAsync(TopicPartition partition, Message<TKey, TValue> message, CancellationToken cancellationToken = default) =>
        ProduceCoreAsync(partition.Topic, partition.Partition, message, cancellationToken);

    /// <summary>
    /// Queues one record and returns as soon as it is queued (waiting only while <see cref="ProducerOptions.BufferMemory"/> is full);
    /// <paramref name="onDelivery"/>, if given, is called with the result or the error. For high-rate producing without a task per record.
    /// </summary>
    public async ValueTask SendAsync(string topic, Message<TKey, TValue> message, Action<DeliveryResult, Exception?>? onDelivery = null, CancellationToken cancellationToken = default)
    {
        await EnqueueAsync(topic, null, message, onDelivery, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="SendAsync(string, Message{TKey, TValue}, Action{DeliveryResult, Exception?}?, CancellationToken)"/>, to the given partition.</summary>
    public async ValueTask SendAsync(TopicPartition partition, Message<TKey, TValue> message, Action<DeliveryResult, Exception?>? onDelivery = null, CancellationToken cancellationToken = default)
    {
        await EnqueueAsync(partition.Topic, partition.Partition, message, onDelivery, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends every queued record now and waits until each has been acknowledged or has failed.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        // Records still waiting for metadata or buffer memory must reach their accumulators before those are sealed.
        Task queued;
        lock (_orderLock)
        {
            queued = _queuedBehind;
        }

        try
        {
            await queued.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // A record that could not be queued has already failed its caller.
        }

        var waits = new List<Task>();
        foreach (var sender in _senders.Values)
        {
            var accumulator = sender.Accumulator;
            bool start;
            lock (accumulator)
            {
                accumulator.SealOpen();
                start = sender.TryClaim();
                if (accumulator.LastSealed is { } last)
                {
                    waits.Add(last.Completion.Task);
                }
            }

            if (start)
            {
                _ = sender.RunAsync();
            }
        }

        try
        {
            await Task.WhenAll(waits).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Failed deliveries are reported to their ProduceAsync callers and handlers; flushing only waits for them.
        }
    }

    /// <summary>Flushes and stops the producer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await FlushAsync().ConfigureAwait(false);
        _disposed = true;
        foreach (var sender in _senders.Values)
        {
            lock (sender.Accumulator)
            {
                sender.Accumulator.Dispose();
            }
        }
    }

    private async Task<DeliveryResult> ProduceCoreAsync(string topic, int? partition, Message<TKey, TValue> message, CancellationToken cancellationToken)
    {
        var (batch, index, tp, timestamp) = await EnqueueAsync(topic, partition, message, null, cancellationToken).ConfigureAwait(false);
        var result = await batch.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return DeliveryResult.Of(tp, result, index, timestamp);
    }

    // Records are queued strictly in call order, as Kafka's send() does: while one call waits (for metadata or buffer memory),
    // later calls chain behind it instead of overtaking it. The common path (metadata cached, buffer free) is synchronous.
    private ValueTask<(ProducerBatch Batch, int Index, TopicPartition Partition, long Timestamp)> EnqueueAsync(
        string topic,
        int? explicitPartition,
        Message<TKey, TValue> message,
        Action<DeliveryResult, Exception?>? onDelivery,
        CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(message);
        var key = _keySerializer.Serialize(message.Key);
        var value = _valueSerializer.Serialize(message.Value);
        var record = new PendingRecord(topic, explicitPartition, key, value, message.Headers, message.Timestamp ?? _client.Time.GetUtcNow().ToUnixTimeMilliseconds(), EstimateSize(key, value, message.Headers), onDelivery);
        lock (_orderLock)
        {
            if (_queuedBehind.IsCompleted
                && _client.Metadata.TryGetCached(topic, out var metadata)
                && _buffer.TryReserve(record.Size))
            {
                return ValueTask.FromResult(Append(metadata, record));
            }

            var queued = EnqueueInOrderAsync(_queuedBehind, record, cancellationToken);
            _queuedBehind = queued;
            return new ValueTask<(ProducerBatch, int, TopicPartition, long)>(queued);
        }
    }

    private async Task<(ProducerBatch Batch, int Index, TopicPartition Partition, long Timestamp)> EnqueueInOrderAsync(Task previous, PendingRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await previous.ConfigureAwait(false);
        }
        catch
        {
            // The earlier record's failure is its caller's; this one goes on.
        }

        var metadata = await _client.Metadata.GetAsync(record.Topic, cancellationToken).ConfigureAwait(false);
        await _buffer.ReserveAsync(record.Size, cancellationToken).ConfigureAwait(false);
        try
        {
            return Append(metadata, record);
        }
        catch
        {
            _buffer.Release(record.Size);
            throw;
        }
    }

    private (ProducerBatch Batch, int Index, TopicPartition Partition, long Timestamp) Append(TopicDescription metadata, PendingRecord record)
    {
        var size = record.Size;
        if (size + RecordBatchHeader.Size > _options.MaxRequestSize || size + RecordBatchHeader.Size > metadata.Config.MaxMessageBytes)
        {
            _buffer.Release(size);
            throw new RecordTooLargeException($"The record is about {size} bytes; the producer sends at most {_options.MaxRequestSize} bytes per request (ProducerOptions.MaxRequestSize) and topic '{record.Topic}' accepts batches of at most {metadata.Config.MaxMessageBytes} bytes (max.message.bytes).");
        }

        var partition = ChoosePartition(metadata, record.ExplicitPartition, record.Key);
        var tp = new TopicPartition(record.Topic, partition);
        var sender = _senders.GetOrAdd(tp, NewSender);
        var accumulator = sender.Accumulator;
        ProducerBatch batch;
        int index;
        bool start, sealedFull;
        lock (accumulator)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var limit = Math.Min(Math.Min(_options.BatchSize, _options.MaxRequestSize), metadata.Config.MaxMessageBytes);
            sealedFull = accumulator.Open is not null && accumulator.Builder.EstimatedSize + size > limit && accumulator.SealOpen();
            var fresh = accumulator.Open is null;
            batch = accumulator.Open ??= new ProducerBatch(tp, _client.Time.GetTimestamp());
            accumulator.Builder.Append(record.Timestamp, record.Key, record.Value, record.Headers);
            index = batch.RecordCount++;
            batch.BufferedBytes += size;
            if (record.OnDelivery is not null)
            {
                batch.AddHandler(index, record.Timestamp, record.OnDelivery);
            }

            // With no linger, send now if nothing is in flight; otherwise the batch fills until the sender is free.
            if (_options.Linger == TimeSpan.Zero && !accumulator.Sending)
            {
                accumulator.SealOpen();
            }

            start = sender.TryClaim();
            if (fresh && accumulator.Open == batch && _options.Linger > TimeSpan.Zero)
            {
                _ = sender.LingerAsync(batch);
            }
        }

        if (sealedFull && metadata.PartitionCount > 1 && record.ExplicitPartition is null && record.Key is null)
        {
            // Kafka's sticky partitioner: null-key records stick to one partition until its batch is full.
            NextSticky(record.Topic, metadata.PartitionCount, partition);
        }

        if (start)
        {
            _ = sender.RunAsync();
        }

        return (batch, index, tp, record.Timestamp);
    }

    private PartitionSender NewSender(TopicPartition partition) =>
        new(new PartitionAccumulator(partition, _options.Compression), _client, _options, _buffer, GetProducerIdAsync, () => _disposed, _logger);

    private int ChoosePartition(TopicDescription metadata, int? explicitPartition, byte[]? key)
    {
        var count = metadata.PartitionCount;
        if (explicitPartition is { } p)
        {
            if (p < 0 || p >= count)
            {
                throw new UnknownTopicException($"Topic '{metadata.Name}' has partitions 0 to {count - 1}; partition {p} does not exist.");
            }

            return p;
        }

        switch (_options.Partitioner)
        {
            case PartitionerType.Murmur2Random when key is not null:
                return KafkaPartitioner.Murmur2Partition(key, count);
            case PartitionerType.Consistent:
                return KafkaPartitioner.ConsistentPartition(key ?? [], count);
            case PartitionerType.ConsistentRandom when key is { Length: > 0 }:
                return KafkaPartitioner.ConsistentPartition(key, count);
        }

        var sticky = _sticky.GetOrAdd(metadata.Name, static (_, n) => new StrongBox(Random.Shared.Next(n)), count);
        var chosen = Volatile.Read(ref sticky.Value);
        return chosen < count ? chosen : chosen % count;
    }

    private void NextSticky(string topic, int count, int previous)
    {
        if (_sticky.TryGetValue(topic, out var sticky))
        {
            var next = Random.Shared.Next(count - 1);
            Interlocked.CompareExchange(ref sticky.Value, next >= previous ? next + 1 : next, previous);
        }
    }

    private Task<long> GetProducerIdAsync()
    {
        // One id per producer, fetched on first send; a failed fetch is retried by the next send.
        var id = _producerId;
        if (id is null || id.IsFaulted || id.IsCanceled)
        {
            id = _producerId = _client.GrainFactory.GetGrain<IProducerIdGrain>(IProducerIdGrain.Key).NextProducerIdAsync();
        }

        return id;
    }

    private static int EstimateSize(byte[]? key, byte[]? value, IReadOnlyList<RecordHeader>? headers)
    {
        var size = 21 + (key?.Length ?? 0) + (value?.Length ?? 0);
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                size += 10 + (header.Key.Length * 3) + (header.Value?.Length ?? 0);
            }
        }

        return size;
    }

    private readonly record struct PendingRecord(
        string Topic,
        int? ExplicitPartition,
        byte[]? Key,
        byte[]? Value,
        IReadOnlyList<RecordHeader>? Headers,
        long Timestamp,
        int Size,
        Action<DeliveryResult, Exception?>? OnDelivery);

    private sealed class StrongBox(int value)
    {
        public int Value = value;
    }
}
