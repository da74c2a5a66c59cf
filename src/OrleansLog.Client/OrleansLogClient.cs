using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLog.Client.Metadata;
using OrleansLog.Client.Serialization;

namespace OrleansLog.Client;

/// <summary>The entry point of the OrleansLog client: makes producers, consumers and the admin client over an Orleans client or silo.</summary>
public sealed class OrleansLogClient
{
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
