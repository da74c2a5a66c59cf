namespace OrleansLog.Kafka.Configs;

/// <summary>What a config resource of DescribeConfigs, AlterConfigs and IncrementalAlterConfigs names, as Kafka numbers it.</summary>
internal enum ConfigResourceType : sbyte
{
    /// <summary>A type this broker does not know.</summary>
    Unknown = 0,

    /// <summary>A topic, by name.</summary>
    Topic = 2,

    /// <summary>A broker, by node id (empty for the cluster-wide defaults).</summary>
    Broker = 4,

    /// <summary>A broker's log levels.</summary>
    BrokerLogger = 8,
}
