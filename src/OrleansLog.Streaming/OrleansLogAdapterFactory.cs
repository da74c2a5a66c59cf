using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using OrleansLog.Client;
using OrleansLog.Client.Partitioning;
using OrleansLog.Errors;
using OrleansLog.Partitions;

namespace OrleansLog.Streaming;

/// <summary>
/// The OrleansLog persistent stream provider: Orleans' queue adapter, queue cache and failure handler over one OrleansLog topic.
/// Registered by <c>AddOrleansLogStreams</c> on silos and clients.
/// </summary>
public sealed class OrleansLogAdapterFactory : IQueueAdapterFactory, IQueueAdapter, IQueueAdapterCache, IAsyncDisposable
{
    private readonly string _name;
    private readonly OrleansLogStreamOptions _options;
    private readonly OrleansLogClient _client;
    private readonly OrleansLogQueueMapper _mapper;
    private readonly StreamRecordCodec _codec;
    private readonly ISiloMemoryBudget? _siloBudget;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly DeadLetters _deadLetters = new();
    private readonly ConcurrentDictionary<QueueId, OrleansLogQueueCache> _newCaches = new();
    private readonly Lazy<Producer<byte[], byte[]>> _producer;
    private volatile Task? _topicReady;

    internal OrleansLogAdapterFactory(string name, OrleansLogStreamOptions options, IServiceProvider services)
    {
        _name = name;
        _options = options;
        _loggerFactory = services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _client = new OrleansLogClient(services.GetRequiredService<IGrainFactory>(), TimeSpan.FromMinutes(1), _loggerFactory);
        _mapper = new OrleansLogQueueMapper(options.Partitions, name);
        _codec = new StreamRecordCodec(services.GetRequiredService<Serializer>(), options.EventFormat);
        _siloBudget = services.GetService<ISiloMemoryBudget>();
        _producer = new(() => _client.CreateProducer<byte[], byte[]>(options.Producer with { Partitioner = PartitionerType.Murmur2Random }));
    }

    /// <summary>Makes the provider named <paramref name="name"/> from its options; the factory <c>AddPersistentStreams</c> calls.</summary>
    public static OrleansLogAdapterFactory Create(IServiceProvider services, string name) =>
        new(name, services.GetOptionsByName<OrleansLogStreamOptions>(name), services);

    /// <inheritdoc />
    public string Name => _name;

    /// <summary>True: a subscription may start at any retained offset.</summary>
    public bool IsRewindable => true;

    /// <inheritdoc />
    public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

    private string Topic => _options.TopicFor(_name);

    /// <summary>Returns the adapter; the topic is made or checked on first use, since a starting silo cannot call grains yet.</summary>
    public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);

    /// <inheritdoc />
    public IQueueAdapterCache GetQueueAdapterCache() => this;

    /// <inheritdoc />
    public IStreamQueueMapper GetStreamQueueMapper() => _mapper;

    /// <inheritdoc />
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new DeadLetterFailureHandler(
            _deadLetters, () => _producer.Value, Topic, OrleansLogQueueMapper.PartitionOf(queueId), _options.DeadLetterTopicFor(_name),
            _loggerFactory.CreateLogger<DeadLetterFailureHandler>()));

    /// <summary>Writes the events as records of the stream's partition, returning once they are written as the producer's acks ask.</summary>
    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (token is not null)
        {
            throw new ArgumentException("The OrleansLog stream provider assigns sequence tokens (record offsets); produce events without one.", nameof(token));
        }

        await TopicsReadyAsync();
        var partition = new TopicPartition(Topic, _mapper.PartitionOf(streamId));
        var producer = _producer.Value;
        var writes = new List<Task<DeliveryResult>>();
        foreach (var evt in events)
        {
            writes.Add(producer.ProduceAsync(partition, _codec.Encode(streamId, evt)));
        }

        await Task.WhenAll(writes);
    }

    /// <inheritdoc />
    public IQueueCache CreateQueueCache(QueueId queueId)
    {
        // The agent makes its cache, then its receiver, in one go: the receiver takes the cache made just before.
        var cache = NewCache();
        _newCaches[queueId] = cache;
        return cache;
    }

    /// <inheritdoc />
    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var partition = OrleansLogQueueMapper.PartitionOf(queueId);
        var cache = _newCaches.TryRemove(queueId, out var made) ? made : NewCache();
        var source = new PartitionSource(_client, Topic, partition, _options.GroupFor(_name), _codec);
        return new OrleansLogQueueReceiver(source, cache, _options, TopicsReadyAsync, _loggerFactory.CreateLogger<OrleansLogQueueReceiver>(), _time);
    }

    /// <summary>Flushes and stops the provider's producer.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_producer.IsValueCreated)
        {
            await _producer.Value.DisposeAsync();
        }
    }

    private OrleansLogQueueCache NewCache() => new(_options, _deadLetters, _siloBudget, _time);

    /// <summary>Makes the topics when missing and checks the partition count, once; a failed attempt is tried again by the next caller.</summary>
    private Task TopicsReadyAsync()
    {
        var ready = _topicReady;
        if (ready is null || ready.IsFaulted || ready.IsCanceled)
        {
            _topicReady = ready = EnsureTopicsAsync();
        }

        return ready;
    }

    private async Task EnsureTopicsAsync()
    {
        await EnsureTopicAsync(Topic, _options.Partitions, _options.TopicConfigs, exactPartitions: true);
        await EnsureTopicAsync(_options.DeadLetterTopicFor(_name), _options.Partitions, null, exactPartitions: false);
    }

    private async Task EnsureTopicAsync(string topic, int partitions, IDictionary<string, string>? configs, bool exactPartitions)
    {
        Topics.TopicDescription description;
        try
        {
            description = await _client.Admin.CreateTopicAsync(topic, partitions, configs?.ToDictionary());
        }
        catch (TopicAlreadyExistsException)
        {
            description = await _client.Admin.DescribeTopicAsync(topic);
        }

        if (exactPartitions && description.PartitionCount != partitions)
        {
            throw new OrleansConfigurationException(
                $"OrleansLog stream provider '{_name}' maps streams onto {partitions} partitions, but topic '{topic}' has {description.PartitionCount}. " +
                $"Set the provider's Partitions to {description.PartitionCount}, or use another topic: a stream's queue is its key's partition, so the counts must match.");
        }
    }
}
