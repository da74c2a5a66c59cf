using Orleans.Hosting;
using OrleansLog.Streaming;

namespace OrleansLog.ClusterTests.Streaming;

/// <summary>A two-silo cluster with an OrleansLog stream provider whose queue caches are tiny (64 KiB), so rewinds read from the log.</summary>
public sealed class StreamClusterFixture : IAsyncLifetime
{
    /// <summary>The stream provider's name.</summary>
    public const string Provider = "log-streams";

    /// <summary>The provider's topic.</summary>
    public string Topic { get; } = LogCluster.NewTopic("streams");

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
    public async Task InitializeAsync() => Log = await StartAsync(Configure);

    /// <summary>Starts a cluster with the provider on its silos and client.</summary>
    public static Task<LogCluster> StartAsync(Action<OrleansLogStreamOptions> configure, bool fastFailover = false) =>
        LogCluster.StartAsync(
            configurePartitions: o => o.TailBytesPerPartition = 64 * 1024,
            fastFailover: fastFailover,
            configureSilo: (_, silo) => silo.AddOrleansLogStreams(Provider, configure),
            configureClient: client => client.AddOrleansLogStreams(Provider, configure));

    /// <inheritdoc />
    public async Task DisposeAsync() => await Log.DisposeAsync();
}
