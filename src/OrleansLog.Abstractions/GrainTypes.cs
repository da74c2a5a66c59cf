namespace OrleansLog;

/// <summary>
/// The Orleans grain type names of OrleansLog's grains (their <c>[GrainType]</c>): stable across renames of the classes, prefixed so
/// they never collide with an application's own grains in a shared silo, and what tools match on (for example to count partitions).
/// </summary>
public static class GrainTypes
{
    /// <summary>A partition of a topic: <see cref="Partitions.IPartitionGrain"/>.</summary>
    public const string Partition = "orleanslog.partition";

    /// <summary>A topic's configuration and partition count: <see cref="Topics.ITopicGrain"/>.</summary>
    public const string Topic = "orleanslog.topic";

    /// <summary>A consumer group's coordinator and committed offsets: <see cref="Groups.IConsumerGroupGrain"/>.</summary>
    public const string ConsumerGroup = "orleanslog.consumer-group";

    /// <summary>A cluster-wide list of topic names or group ids: <see cref="Catalogs.ICatalogGrain"/>.</summary>
    public const string Catalog = "orleanslog.catalog";

    /// <summary>The allocator of idempotent producer ids: <see cref="Producers.IProducerIdGrain"/>.</summary>
    public const string ProducerId = "orleanslog.producer-id";

    /// <summary>The cluster's schema registry: <see cref="Schemas.ISchemaRegistryGrain"/>.</summary>
    public const string SchemaRegistry = "orleanslog.schema-registry";
}
