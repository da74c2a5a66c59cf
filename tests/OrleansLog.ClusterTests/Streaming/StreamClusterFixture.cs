using Orleans.Hosting;
using OrleansLog.Streaming;

namespace OrleansLog.ClusterTests.Streaming;

/// <summary>A two-silo cluster with an OrleansLog stream provider whose queue caches are tiny (64 KiB), so rewinds read from the log.</summary>
public sealed class StreamClusterFixture : IAsyncLifetime
{
    /// <summary>The stream provider's name.</summary>
    public const string Provider = "log-streams";

    /// <summary>A second provider, delivering up to 10 events of a stream at a time.</summary>
    public const string BatchProvider = "log-batches";

    /// <summary>The provider's topic.</summary>
    public string Topic { get; } = LogCluster.NewTopic("streams");

    /// <summary>The batch provider's topic.</summary>
    public string BatchTopic { get; } = LogCluster.NewTopic("stream-batches");

    /// <summary>The cluster.</summary>
    public LogCluster Log { get; private set; } = null!;

    /// <summary>The provider's options, the same on silos and client.</summary>
    public void Configure(OrleansLogStreamOptions options)
    {
        options.Topic = Topic;
        options.Partitions = 4;
        options.CacheBytes = 64 * 1024;
        options.CheckpointInterval = TimeSpan.FromMilliseconds(300);
    }

    /// <inheritdoc />
    public async Task InitializeAsync() => Log = await StartAsync(
        Configure,
        ConfigureBatches,
        configureClient: client => client.AddOrleansLogStreams(MismatchProvider, o =>
        {
            o.Topic = Topic;
            o.Partitions = 3;
        }));

    /// <summary>A provider only the client has, which expects 3 partitions of the 4-partition <see cref="Topic"/>.</summary>
    public const string MismatchProvider = "log-mismatch";

    /// <summary>The batch provider's options.</summary>
    public void ConfigureBatches(OrleansLogStreamOptions options)
    {
        options.Topic = BatchTopic;
        options.Partitions = 2;
        options.MaxEventsPerDelivery = 10;
    }

    /// <summary>Starts a cluster with the provider (and, when given, the batch provider) on its silos and client.</summary>
    public static Task<LogCluster> StartAsync(
        Action<OrleansLogStreamOptions> configure,
        Action<OrleansLogStreamOptions>? configureBatches = null,
        bool fastFailover = false,
        Action<IClientBuilder>? configureClient = null) =>
        LogCluster.StartAsync(
            configurePartitions: o => o.TailBytesPerPartition = 64 * 1024,
            fastFailover: fastFailover,
            configureSilo: (_, silo) =>
            {
                silo.AddOrleansLogStreams(Provider, configure);
                if (configureBatches is not null)
                {
                    silo.AddOrleansLogStreams(BatchProvider, configureBatches);
                }
            },
            configureClient: client =>
            {
                client.AddOrleansLogStreams(Provider, configure);
                if (configureBatches is not null)
                {
                    client.AddOrleansLogStreams(BatchProvider, configureBatches);
                }

                configureClient?.Invoke(client);
            });

    /// <inheritdoc />
    public async Task DisposeAsync() => await Log.DisposeAsync();
}
