using OrleansLog.Client;

namespace OrleansLog.Streaming;

/// <summary>How one OrleansLog stream provider maps Orleans streams onto an OrleansLog topic; configured per provider name.</summary>
public sealed class OrleansLogStreamOptions
{
    /// <summary>The topic the provider's events live in; the provider's name when null.</summary>
    public string? Topic { get; set; }

    /// <summary>
    /// The topic's partition count: one queue (and one pulling agent) per partition. A missing topic is created with it; an existing
    /// topic must have exactly this many partitions, because the queue of a stream is its key's partition.
    /// </summary>
    public int Partitions { get; set; } = 8;

    /// <summary>Topic configs (Kafka's names, as <c>retention.ms</c>) applied when the provider creates the topic.</summary>
    public IDictionary<string, string> TopicConfigs { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How events are written: Orleans serialization (the default) or System.Text.Json.</summary>
    public StreamEventFormat EventFormat { get; set; } = StreamEventFormat.Orleans;

    /// <summary>The consumer group whose committed offsets are the queues' checkpoints; <c>orleans.streams.</c> + the provider's name when null.</summary>
    public string? ConsumerGroup { get; set; }

    /// <summary>Where a queue starts reading when its group has no checkpoint yet; <see cref="AutoOffsetReset.Earliest"/> keeps events written before the first silo started.</summary>
    public AutoOffsetReset InitialPosition { get; set; } = AutoOffsetReset.Earliest;

    /// <summary>How often each queue commits its checkpoint (also committed when the queue stops).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a queue's read waits at the end of the partition for new events (the partition's long poll).</summary>
    public TimeSpan FetchMaxWait { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The most bytes one read of a partition returns (at least one whole batch).</summary>
    public int FetchMaxBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The memory a queue's cache may hold. Older events leave the cache once delivered; a subscription that needs them again reads
    /// them from the log. The bytes count against the silo's partition tail budget when the silo hosts OrleansLog.
    /// </summary>
    public long CacheBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// How long a full cache pauses reading for a subscriber that still needs its oldest events; after that those events are dropped from
    /// the cache and that subscriber goes on reading them from the log.
    /// </summary>
    public TimeSpan MaxCachePressureTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most consecutive events of a stream one delivery carries: a batch observer (<c>IAsyncBatchObserver&lt;T&gt;</c>) receives
    /// them as one batch, an item observer one by one. A delivery that fails is retried, and dead-lettered, as a whole.
    /// </summary>
    public int MaxEventsPerDelivery { get; set; } = 1;

    /// <summary>How many times an event is delivered to a subscriber that keeps failing it before it goes to the dead-letter topic.</summary>
    public int MaxDeliveryAttempts { get; set; } = 3;

    /// <summary>The topic failed events go to; <see cref="Topic"/> + <c>.dlq</c> when null.</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>The producer that writes events (and dead letters); <see cref="ProducerOptions.Acks"/> <c>All</c> by default, so an event is durable when <c>OnNextAsync</c> returns.</summary>
    public ProducerOptions Producer { get; set; } = new();

    internal string TopicFor(string providerName) => Topic ?? providerName;

    internal string GroupFor(string providerName) => ConsumerGroup ?? "orleans.streams." + providerName;

    internal string DeadLetterTopicFor(string providerName) => DeadLetterTopic ?? TopicFor(providerName) + ".dlq";
}

/// <summary>How stream events are encoded in record values.</summary>
public enum StreamEventFormat
{
    /// <summary>Orleans serialization: any type Orleans can serialize, read back by Orleans apps.</summary>
    Orleans = 0,

    /// <summary>System.Text.Json: readable by any Kafka or OrleansLog consumer, and what non-Orleans producers write.</summary>
    Json = 1,
}
