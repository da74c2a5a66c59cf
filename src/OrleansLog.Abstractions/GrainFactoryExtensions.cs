using OrleansLog.Catalogs;
using OrleansLog.Partitions;

namespace OrleansLog;

/// <summary>The one place each of OrleansLog's keyed grains is reached from, so its key is built the same way everywhere.</summary>
public static class GrainFactoryExtensions
{
    /// <summary>The grain of partition <paramref name="partition"/> of the topic named <paramref name="topic"/> with id <paramref name="topicId"/>.</summary>
    public static IPartitionGrain GetPartition(this IGrainFactory grains, string topic, Guid topicId, int partition) =>
        grains.GetGrain<IPartitionGrain>(new PartitionGrainKey(topic, topicId, partition).ToString());

    /// <summary>The catalog grain named <paramref name="catalog"/> (<see cref="CatalogNames.Topics"/> or <see cref="CatalogNames.Groups"/>).</summary>
    public static ICatalogGrain GetCatalog(this IGrainFactory grains, string catalog) => grains.GetGrain<ICatalogGrain>(catalog);
}
