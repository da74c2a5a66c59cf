using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Clustering;

namespace OrleansLog.ClusterTests.Clustering;

/// <summary>The shared Azurite and a membership table name of one test class's own.</summary>
public sealed class AzureTableFixture : IAsyncLifetime
{
    /// <summary>Azurite's connection string (with its table endpoint).</summary>
    public string ConnectionString { get; private set; } = null!;

    /// <summary>A table name no other test class uses.</summary>
    public string TableName { get; } = "t" + Guid.NewGuid().ToString("N");

    /// <summary>Options for <see cref="TableName"/> on Azurite.</summary>
    public AzureTableClusteringOptions Options => new() { ConnectionString = ConnectionString, TableName = TableName };

    /// <inheritdoc />
    public async Task InitializeAsync() => ConnectionString = (await TestAzurite.GetAsync()).ConnectionString;

    /// <inheritdoc />
    public Task DisposeAsync() => Task.CompletedTask;
}
