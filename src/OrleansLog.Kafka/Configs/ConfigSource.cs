namespace OrleansLog.Kafka.Configs;

/// <summary>Where a described config value comes from, as Kafka numbers it.</summary>
internal enum ConfigSource : sbyte
{
    /// <summary>Not known.</summary>
    Unknown = 0,

    /// <summary>Set on the topic (Kafka's DYNAMIC_TOPIC_CONFIG).</summary>
    TopicConfig = 1,

    /// <summary>Set in the broker's static settings.</summary>
    StaticBrokerConfig = 4,

    /// <summary>Nothing set it: the built-in default.</summary>
    DefaultConfig = 5,
}
