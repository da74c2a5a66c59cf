using Microsoft.Extensions.Options;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Segments;
using OrleansLog.Storage;

namespace OrleansLog.ClusterTests.Segments;

public sealed class SegmentStoreTests
{
    [Fact]
    public async Task Appends_are_conditioned_on_the_position_and_a_repeated_landed_append_counts_as_done()
    {
        var azurite = await TestAzurite.GetAsync();
        var store = new SegmentStore(Options.Create(new OrleansLogStorageOptions { ConnectionString = azurite.ConnectionString, ContainerName = TestAzurite.NewContainerName("store") }));
        const string Blob = "topics/test/0/00000000000000000000.log";
        await store.CreateSegmentAsync(Blob, CancellationToken.None);
        byte[] first = [1, 2, 3, 4];
        byte[] second = [5, 6, 7];
        await store.AppendBlockAsync(Blob, first, 0, null, CancellationToken.None);

        // The same block again at the same position: its first attempt landed, so this is success and writes nothing.
        await store.AppendBlockAsync(Blob, first, 0, null, CancellationToken.None);
        Assert.Equal(4, (await store.GetPropertiesAsync(Blob, CancellationToken.None))!.Size);

        // Different bytes at a stale position: another writer got there first.
        var fenced = await Assert.ThrowsAsync<NotLeaderException>(() => store.AppendBlockAsync(Blob, second, 0, null, CancellationToken.None));
        Assert.True(fenced.IsRetriable);

        await store.AppendBlockAsync(Blob, second, 4, null, CancellationToken.None);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7 }, await store.ReadBlobAsync(Blob, CancellationToken.None));
        Assert.Equal(new byte[] { 3, 4, 5 }, await store.ReadAsync(Blob, 2, 3, CancellationToken.None));
    }

    [Fact]
    public async Task Blocks_over_the_azure_limit_are_refused_before_they_reach_storage()
    {
        var azurite = await TestAzurite.GetAsync();
        var store = new SegmentStore(Options.Create(new OrleansLogStorageOptions { ConnectionString = azurite.ConnectionString, ContainerName = TestAzurite.NewContainerName("store") }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.AppendBlockAsync("x.log", new byte[SegmentStore.MaxAppendBlockBytes + 1], 0, null, CancellationToken.None));
    }
}
