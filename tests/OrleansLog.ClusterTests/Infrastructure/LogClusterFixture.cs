namespace OrleansLog.ClusterTests.Infrastructure;

/// <summary>One two-silo cluster shared by a test collection; tests isolate by unique topic names.</summary>
public sealed class LogClusterFixture : IAsyncLifetime
{
    /// <summary>The shared cluster.</summary>
    public LogCluster Log { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Log = await LogCluster.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Log.DisposeAsync();
}

/// <summary>The collection of tests sharing one <see cref="LogClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class LogClusterCollection : ICollectionFixture<LogClusterFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "log cluster";
}
