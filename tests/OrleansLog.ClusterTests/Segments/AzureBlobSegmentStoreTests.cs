using Microsoft.Extensions.Options;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Segments;
using OrleansLog.Storage;

namespace OrleansLog.ClusterTests.Segments;

/// <summary>The segment store conformance tests against the Azure Blob store on Azurite, each test in a container of its own.</summary>
public sealed class AzureBlobSegmentStoreTests : SegmentStoreConformanceTests, IAsyncLifetime
{
    private AzuriteEmulator _azurite = null!;

    public async Task InitializeAsync() => _azurite = await TestAzurite.GetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    internal override ISegmentStore CreateStore() =>
        new AzureBlobSegmentStore(Options.Create(new OrleansLogStorageOptions { ConnectionString = _azurite.ConnectionString, ContainerName = TestAzurite.NewContainerName("store") }));
}
