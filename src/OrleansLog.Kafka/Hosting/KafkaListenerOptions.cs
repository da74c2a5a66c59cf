namespace OrleansLog.Kafka.Hosting;

/// <summary>The Kafka protocol listener of a silo: where it listens, what it advertises to clients, and its limits.</summary>
public sealed class KafkaListenerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "OrleansLog:Kafka";

    /// <summary>Whether the silo answers Kafka clients at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The address to listen on: 127.0.0.1 (the default) for this machine only, 0.0.0.0 for every interface.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>The port to listen on; Kafka's 9092 by default, 0 for any free port.</summary>
    public int Port { get; set; } = 9092;

    /// <summary>
    /// The host clients are told to connect to (Metadata's broker host). Set it when clients reach the silo through another name
    /// (a container, a load balancer, Azure); by default the listen address, or the silo's own address when listening on all interfaces.
    /// </summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>The port clients are told to connect to; by default the port the listener is bound to.</summary>
    public int? AdvertisedPort { get; set; }

    /// <summary>The largest request accepted, in bytes; a larger size prefix closes the connection. Kafka's default, 100 MiB.</summary>
    public int MaxRequestBytes { get; set; } = 100 * 1024 * 1024;

    /// <summary>How long a connection may stay silent before it is closed (Kafka's connections.max.idle.ms, 10 minutes).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether Metadata and Produce create unknown topics, as Kafka's auto.create.topics.enable (on by default).</summary>
    public bool AutoCreateTopics { get; set; } = true;

    /// <summary>The partition count of auto-created topics (Kafka's num.partitions).</summary>
    public int DefaultPartitions { get; set; } = 1;

    /// <summary>
    /// How often KIP-848 consumers (<c>group.protocol=consumer</c>) are told to heartbeat (Kafka's group.consumer.heartbeat.interval.ms,
    /// 5 s there). Partitions move between members at heartbeats, so a shorter interval rebalances faster for a little more traffic.
    /// </summary>
    public TimeSpan GroupHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);
}
