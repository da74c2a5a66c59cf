using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLog.Client.Metadata;
using OrleansLog.Client.Serialization;

namespace OrleansLog.Client;

/// <summary>The entry point of the OrleansLog client: makes producers, consumers and the admin client over an Orleans client or silo.</summary>
public sealed class OrleansLogClient
{
    private static readonly TimeSpan FetchGrace = TimeSpan.FromSeconds(2);

    /// <summary>Creates the client over a grain factory (an <c>IClusterClient</c>, or a silo's own).</summary>
    public OrleansLogClient(IGrainFactory grainFactory)
        : this(grainFactory, TimeSpan.FromMinutes(1))
    {
    }

    /// <summary>Creates the client, caching topic metadata for <paramref name="metadataMaxAge"/> (Kafka's <c>metadata.max.age.ms</c>).</summary>
    public OrleansLogClient(IGrainFactory grainFactory, TimeSpan metadataMaxAge)
        : this(grainFactory, metadataMaxAge, NullLoggerFactory.Instance)
    {
    }

    /// <summary>Creates the client, logging retries, failures and group membership through <paramref name="loggerFactory"/>.</summary>
    public OrleansLogClient(IGrainFactory grainFactory, TimeSpan metadataMaxAge, ILoggerFactory loggerFactory)
        : this(grainFactory, metadataMaxAge, loggerFactory, TimeProvider.System)
    {
    }

    // Every clock read and timed wait of the client (linger, delivery timeout, metadata age, heartbeats, auto-commit) goes
    // through time, so tests drive them with a fake clock; AddOrleansLogClient passes the host's TimeProvider.
    internal OrleansLogClient(IGrainFactory grainFactory, TimeSpan metadataMaxAge, ILoggerFactory loggerFactory, TimeProvider time)
    {
        GrainFactory = grainFactory;
        LoggerFactory = loggerFactory;
        Time = time;
        Metadata = new TopicMetadataCache(grainFactory, metadataMaxAge, time);
        Admin = new AdminClient(grainFactory, Metadata);
    }

    /// <summary>Topic and offset administration.</summary>
    public AdminClient Admin { get; }

    internal IGrainFactory GrainFactory { get; }

    internal TopicMetadataCache Metadata { get; }

    internal ILoggerFactory LoggerFactory { get; }

    internal TimeProvider Time { get; }

    /// <summary>
    /// One long-poll fetch from <paramref name="partition"/> (the consumer's and the Orleans streams provider's reads): whole batches
    /// from <paramref name="offset"/>, up to about <paramref name="maxBytes"/>, waiting up to <paramref name="maxWait"/> for data.
    /// </summary>
    internal async Task<Partitions.FetchResult> FetchAsync(TopicPartition partition, long offset, int maxBytes, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var metadata = await Metadata.GetAsync(partition.Topic, cancellationToken).ConfigureAwait(false);
        var grain = GrainFactory.GetPartition(partition.Topic, metadata.TopicId, partition.Partition);

        // A long-poll parked on a silo that died gets no answer until the call's 1-minute response timeout; give up on it shortly
        // after its wait would have ended (a fetch is read-only: asking again costs a repeated read at most, as the producer's
        // ProducerOptions.ResendInterval) and fetch again from the partition's new activation.
        return await grain.FetchAsync(offset, maxBytes, maxWait, cancellationToken)
            .WaitAsync(maxWait + FetchGrace, Time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates a producer; keys and values use the given serializers or <see cref="Serializers.Default{T}"/>.</summary>
    public Producer<TKey, TValue> CreateProducer<TKey, TValue>(
        ProducerOptions? options = null,
        ISerializer<TKey>? keySerializer = null,
        ISerializer<TValue>? valueSerializer = null) =>
        new(this, options ?? new ProducerOptions(), keySerializer ?? Serializers.Default<TKey>(), valueSerializer ?? Serializers.Default<TValue>());

    /// <summary>Creates a consumer; keys and values use the given deserializers or <see cref="Deserializers.Default{T}"/>.</summary>
    public Consumer<TKey, TValue> CreateConsumer<TKey, TValue>(
        ConsumerOptions? options = null,
        IDeserializer<TKey>? keyDeserializer = null,
        IDeserializer<TValue>? valueDeserializer = null) =>
        new(this, options ?? new ConsumerOptions(), keyDeserializer ?? Deserializers.Default<TKey>(), valueDeserializer ?? Deserializers.Default<TValue>());
}
