using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansLog.Client;
using OrleansLog.Hosting;
using OrleansLog.Segments;
using OrleansLog.Storage;

namespace OrleansLog.Testing;

/// <summary>An in-process Orleans test cluster hosting OrleansLog on the shared Azurite, with an external client over loopback.</summary>
public sealed class LogCluster : IAsyncDisposable
{
    private int _disposed;

    private LogCluster(InProcessTestCluster cluster, AzuriteEmulator azurite, string containerName)
    {
        Cluster = cluster;
        Azurite = azurite;
        ContainerName = containerName;
        Client = new OrleansLogClient(cluster.Client);
        Store = new AzureBlobSegmentStore(Microsoft.Extensions.Options.Options.Create(StorageOptions(azurite, containerName)));
    }

    /// <summary>The Orleans cluster.</summary>
    public InProcessTestCluster Cluster { get; }

    /// <summary>The shared emulator.</summary>
    public AzuriteEmulator Azurite { get; }

    /// <summary>The container this cluster keeps its data in.</summary>
    public string ContainerName { get; }

    /// <summary>The OrleansLog client over the cluster's external client.</summary>
    public OrleansLogClient Client { get; }

    /// <summary>OrleansLog's warnings and errors from every silo of this cluster.</summary>
    public TestLogCapture Logs { get; private init; } = new();

    /// <summary>Direct access to the segment blobs, for checks.</summary>
    internal AzureBlobSegmentStore Store { get; }

    /// <summary>
    /// Starts <paramref name="silos"/> silos over <paramref name="containerName"/> (a new container when null), with partition options adjusted by
    /// <paramref name="configurePartitions"/>. <paramref name="fastFailover"/> tunes membership and timeouts so that a dead silo's grains move in
    /// seconds (fault tests); <paramref name="azurite"/> replaces the shared emulator (tests that stop storage); <paramref name="configureStorage"/>
    /// adjusts the silos' storage options last (another endpoint, request limits); <paramref name="configureSilo"/> (given each silo's name and
    /// ports) and <paramref name="configureClient"/> run after everything else (the soak's bundled-silo membership settings).
    /// </summary>
    public static async Task<LogCluster> StartAsync(
        short silos = 2,
        string? containerName = null,
        Action<Partitions.PartitionOptions>? configurePartitions = null,
        bool fastFailover = false,
        AzuriteEmulator? azurite = null,
        Action<OrleansLogStorageOptions>? configureStorage = null,
        Action<InProcessTestSiloSpecificOptions, Orleans.Hosting.ISiloBuilder>? configureSilo = null,
        Action<Orleans.Hosting.IClientBuilder>? configureClient = null)
    {
        azurite ??= await TestAzurite.GetAsync();
        var container = containerName ?? TestAzurite.NewContainerName("log");
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = "orleanslog-tests";
        builder.ConfigureSilo((_, silo) => silo
            .AddOrleansLog(o =>
            {
                o.MaintenanceInterval = TimeSpan.FromMilliseconds(300);
                o.CompactionDeleteDelay = TimeSpan.FromMilliseconds(500);
                configurePartitions?.Invoke(o);
            })
            .AddOrleansLogAzureBlobStorage(o =>
            {
                o.ConnectionString = azurite.ConnectionString;
                o.ContainerName = container;
                configureStorage?.Invoke(o);
            }));
        var logs = new TestLogCapture();
        builder.ConfigureSilo((_, silo) => silo.Services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        if (fastFailover)
        {
            builder.ConfigureSilo((_, silo) =>
            {
                silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.NumVotesForDeathDeclaration = 1;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                    o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
                });
                silo.Configure<Orleans.Configuration.SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            });
            builder.ConfigureClient(client =>
            {
                client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
                client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            });
        }

        if (configureSilo is not null)
        {
            builder.ConfigureSilo(configureSilo);
        }

        if (configureClient is not null)
        {
            builder.ConfigureClient(configureClient);
        }

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new LogCluster(cluster, azurite, container) { Logs = logs };
    }

    /// <summary>A unique topic name, so tests sharing a cluster never meet.</summary>
    public static string NewTopic(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Stops every silo and the client; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }

    private static OrleansLogStorageOptions StorageOptions(AzuriteEmulator azurite, string container) =>
        new() { ConnectionString = azurite.ConnectionString, ContainerName = container };
}
