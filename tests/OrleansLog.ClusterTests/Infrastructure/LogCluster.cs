using Orleans.TestingHost;
using OrleansLog.Client;
using OrleansLog.Development;
using OrleansLog.Hosting;
using OrleansLog.Segments;
using OrleansLog.Storage;

namespace OrleansLog.ClusterTests.Infrastructure;

/// <summary>An in-process Orleans test cluster hosting OrleansLog on the shared Azurite, with an external client over loopback.</summary>
public sealed class LogCluster : IAsyncDisposable
{
    private LogCluster(InProcessTestCluster cluster, AzuriteEmulator azurite, string containerName)
    {
        Cluster = cluster;
        Azurite = azurite;
        ContainerName = containerName;
        Client = new OrleansLogClient(cluster.Client);
        Store = new SegmentStore(Microsoft.Extensions.Options.Options.Create(StorageOptions(azurite, containerName)));
    }

    /// <summary>The Orleans cluster.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>The shared emulator.</summary>
    public AzuriteEmulator Azurite { get; }

    /// <summary>The container this cluster keeps its data in.</summary>
    public string ContainerName { get; }

    /// <summary>The OrleansLog client over the cluster's external client.</summary>
    public OrleansLogClient Client { get; }

    /// <summary>Direct access to the segment blobs, for checks.</summary>
    public SegmentStore Store { get; }

    /// <summary>Starts <paramref name="silos"/> silos over <paramref name="containerName"/> (a new container when null), with partition options adjusted by <paramref name="configurePartitions"/>.</summary>
    public static async Task<LogCluster> StartAsync(short silos = 2, string? containerName = null, Action<Partitions.PartitionOptions>? configurePartitions = null)
    {
        var azurite = await TestAzurite.GetAsync();
        var container = containerName ?? TestAzurite.NewContainerName("log");
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = "orleanslog-tests";
        builder.ConfigureSilo((_, silo) => silo.AddOrleansLog(
            o =>
            {
                o.ConnectionString = azurite.ConnectionString;
                o.ContainerName = container;
            },
            o =>
            {
                o.MaintenanceInterval = TimeSpan.FromMilliseconds(300);
                configurePartitions?.Invoke(o);
            }));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new LogCluster(cluster, azurite, container);
    }

    /// <summary>A unique topic name, so tests sharing a cluster never meet.</summary>
    public static string NewTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Stops every silo and the client.</summary>
    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private static OrleansLogStorageOptions StorageOptions(AzuriteEmulator azurite, string container) =>
        new() { ConnectionString = azurite.ConnectionString, ContainerName = container };
}
