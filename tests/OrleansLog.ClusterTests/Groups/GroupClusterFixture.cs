using OrleansLog.ClusterTests.Infrastructure;

namespace OrleansLog.ClusterTests.Groups;

/// <summary>One three-silo cluster shared by the consumer group tests; tests isolate by unique topic and group names.</summary>
public sealed class GroupClusterFixture : IAsyncLifetime
{
    /// <summary>The shared cluster.</summary>
    public LogCluster Log { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Log = await LogCluster.StartAsync(silos: 3);

    /// <inheritdoc />
    public async Task DisposeAsync() => await Log.DisposeAsync();
}

/// <summary>The collection of tests sharing one <see cref="GroupClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class GroupClusterCollection : ICollectionFixture<GroupClusterFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "group cluster";
}
