using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Hosting;
using OrleansLog.Storage;

namespace OrleansLog.ClusterTests.Storage;

public sealed class BlobGrainStorageTests(BlobGrainStorageFixture fixture) : IClassFixture<BlobGrainStorageFixture>
{
    private const string StateName = "ledger";
    private static readonly GrainId Grain = GrainId.Create("ledgertest", "orders-7");

    [Theory]
    [InlineData("system-text-json")]
    [InlineData("newtonsoft-json")]
    [InlineData("orleans-binary")]
    public async Task Write_then_read_round_trips_the_state_and_its_etag(string serializer)
    {
        var storage = fixture.CreateStorage(serializer);
        var written = new GrainState<TestLedgerState>(SampleState());

        await storage.WriteStateAsync(StateName, Grain, written);
        var read = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, read);

        Assert.NotNull(written.ETag);
        Assert.True(written.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.True(read.RecordExists);
        AssertSameLedger(SampleState(), read.State!);
        var blob = Assert.Single(await ListBlobNamesAsync(storage.Container));
        Assert.Equal("grainstate/ledger/ledgertest/orders-7.json", blob);
    }

    [Fact]
    public async Task A_writer_with_a_stale_etag_gets_InconsistentStateException_and_the_first_writers_data_stays()
    {
        var storage = fixture.CreateStorage();
        await storage.WriteStateAsync(StateName, Grain, new GrainState<TestLedgerState>(Ledger(offset: 1)));
        var first = new GrainState<TestLedgerState>();
        var second = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, first);
        await storage.ReadStateAsync(StateName, Grain, second);
        var staleETag = second.ETag;

        first.State = Ledger(offset: 2);
        await storage.WriteStateAsync(StateName, Grain, first);
        second.State = Ledger(offset: 3);
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, second));

        Assert.Equal(first.ETag, conflict.StoredEtag);
        Assert.Equal(staleETag, conflict.CurrentEtag);
        Assert.Contains(Grain.ToString(), conflict.Message, StringComparison.Ordinal);
        Assert.Contains($"'{StateName}'", conflict.Message, StringComparison.Ordinal);
        Assert.Contains(first.ETag!, conflict.Message, StringComparison.Ordinal);
        Assert.Contains(staleETag!, conflict.Message, StringComparison.Ordinal);
        var stored = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, stored);
        Assert.Equal(2, stored.State!.Offset);
        Assert.Equal(first.ETag, stored.ETag);
    }

    [Fact]
    public async Task A_first_write_when_another_writer_created_the_blob_fails()
    {
        var storage = fixture.CreateStorage();
        var late = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, late);
        var early = new GrainState<TestLedgerState>(Ledger(offset: 10));
        await storage.WriteStateAsync(StateName, Grain, early);

        late.State = Ledger(offset: 20);
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, late));

        Assert.Equal(early.ETag, conflict.StoredEtag);
        var stored = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, stored);
        Assert.Equal(10, stored.State!.Offset);
    }

    [Fact]
    public async Task A_first_write_with_a_stale_etag_on_a_missing_blob_fails_and_creates_nothing()
    {
        var storage = fixture.CreateStorage();
        await storage.WriteStateAsync(StateName, GrainId.Create("ledgertest", "other"), new GrainState<TestLedgerState>(Ledger(offset: 1)));
        var stale = new GrainState<TestLedgerState>(Ledger(offset: 5), "\"0x8DC0FFEE0000000\"");

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, stale));

        Assert.Equal("\"0x8DC0FFEE0000000\"", conflict.CurrentEtag);
        Assert.Contains("no blob", conflict.StoredEtag, StringComparison.Ordinal);
        var read = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal(new[] { "grainstate/ledger/ledgertest/other.json" }, await ListBlobNamesAsync(storage.Container));
    }

    [Fact]
    public async Task Clear_deletes_the_blob_and_a_later_read_finds_no_record()
    {
        var storage = fixture.CreateStorage();
        var state = new GrainState<TestLedgerState>(SampleState());
        await storage.WriteStateAsync(StateName, Grain, state);

        await storage.ClearStateAsync(StateName, Grain, state);
        var read = new GrainState<TestLedgerState>(Ledger(offset: 99), "\"junk\"") { RecordExists = true };
        await storage.ReadStateAsync(StateName, Grain, read);

        Assert.Null(state.ETag);
        Assert.False(state.RecordExists);
        Assert.Equal(0, state.State!.Offset);
        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.Equal(0, read.State!.Offset);
        Assert.Empty(read.State!.Entries);
        Assert.Empty(await ListBlobNamesAsync(storage.Container));

        // The cleared state can be written afresh.
        read.State = Ledger(offset: 7);
        await storage.WriteStateAsync(StateName, Grain, read);
        var again = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, again);
        Assert.Equal(7, again.State!.Offset);
    }

    [Fact]
    public async Task Clear_without_delete_leaves_an_empty_blob_that_reads_as_no_record()
    {
        var storage = fixture.CreateStorage(deleteStateOnClear: false);
        var state = new GrainState<TestLedgerState>(SampleState());
        await storage.WriteStateAsync(StateName, Grain, state);
        var writtenETag = state.ETag;

        await storage.ClearStateAsync(StateName, Grain, state);
        var read = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, read);

        Assert.NotNull(state.ETag);
        Assert.NotEqual(writtenETag, state.ETag);
        Assert.False(state.RecordExists);
        Assert.False(read.RecordExists);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(0, read.State!.Offset);
        var properties = await storage.Container.GetBlobClient("grainstate/ledger/ledgertest/orders-7.json").GetPropertiesAsync();
        Assert.Equal(0, properties.Value.ContentLength);
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_fails_and_keeps_the_newer_state()
    {
        var storage = fixture.CreateStorage();
        var stale = new GrainState<TestLedgerState>(Ledger(offset: 1));
        await storage.WriteStateAsync(StateName, Grain, stale);
        var current = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, current);
        current.State = Ledger(offset: 2);
        await storage.WriteStateAsync(StateName, Grain, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, Grain, stale));

        var read = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, read);
        Assert.True(read.RecordExists);
        Assert.Equal(2, read.State!.Offset);
    }

    [Fact]
    public async Task Reading_from_a_container_that_does_not_exist_gives_the_default_state()
    {
        var storage = fixture.CreateStorage();

        var read = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, Grain, read);

        Assert.False(read.RecordExists);
        Assert.Null(read.ETag);
        Assert.NotNull(read.State);
        Assert.Empty(read.State!.Counts);
        Assert.False(await storage.Container.ExistsAsync());
    }

    [Fact]
    public async Task Names_with_odd_characters_get_readable_distinct_blobs_that_round_trip()
    {
        var storage = fixture.CreateStorage();
        (string State, string Key, string Blob)[] cases =
        [
            ("ledger", "topic/3", "grainstate/ledger/ledgertest/topic%2F3.json"),
            ("ledger", "topic%2F3", "grainstate/ledger/ledgertest/topic%252F3.json"),
            ("state:v2", "a b\\c?d#e~f", "grainstate/state:v2/ledgertest/a%20b%5Cc%3Fd%23e%7Ef.json"),
            ("ledger", "ünïcode-✓", "grainstate/ledger/ledgertest/%C3%BCn%C3%AFcode-%E2%9C%93.json"),
            ("ends.", "..", "grainstate/ends%2E/ledgertest/.%2E.json"),
        ];

        for (var i = 0; i < cases.Length; i++)
        {
            var grain = GrainId.Create("ledgertest", cases[i].Key);
            await storage.WriteStateAsync(cases[i].State, grain, new GrainState<TestLedgerState>(Ledger(offset: i + 1)));
        }

        var names = await ListBlobNamesAsync(storage.Container);
        Assert.Equal(cases.Select(c => c.Blob).Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        for (var i = 0; i < cases.Length; i++)
        {
            var read = new GrainState<TestLedgerState>();
            await storage.ReadStateAsync(cases[i].State, GrainId.Create("ledgertest", cases[i].Key), read);
            Assert.True(read.RecordExists, cases[i].Key);
            Assert.Equal(i + 1, read.State!.Offset);
        }
    }

    [Fact]
    public async Task A_key_too_long_for_a_blob_name_is_shortened_with_a_hash_and_still_round_trips()
    {
        var storage = fixture.CreateStorage();
        var longKey = new string('k', 600) + "/" + new string('z', 600);
        var otherLongKey = new string('k', 600) + "/" + new string('y', 600);

        await storage.WriteStateAsync(StateName, GrainId.Create("ledgertest", longKey), new GrainState<TestLedgerState>(Ledger(offset: 1)));
        await storage.WriteStateAsync(StateName, GrainId.Create("ledgertest", otherLongKey), new GrainState<TestLedgerState>(Ledger(offset: 2)));
        var read = new GrainState<TestLedgerState>();
        await storage.ReadStateAsync(StateName, GrainId.Create("ledgertest", longKey), read);

        Assert.Equal(1, read.State!.Offset);
        var names = await ListBlobNamesAsync(storage.Container);
        Assert.Equal(2, names.Count);
        Assert.All(names, name =>
        {
            Assert.True(name.Length <= 1024, name);
            Assert.Matches("^grainstate/ledger/ledgertest/k{256}~[0-9a-f]{64}\\.json$", name);
        });
    }

    [Fact]
    public async Task State_survives_grain_deactivation_in_a_silo_using_blob_storage_as_default()
    {
        var azurite = fixture.Azurite;
        var containerName = TestAzurite.NewContainerName("cluster-state");
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.Configure<OrleansLogStorageOptions>(options =>
            {
                options.ConnectionString = azurite.ConnectionString;
                options.ContainerName = containerName;
            });
            silo.AddBlobGrainStorageAsDefault();
        });
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        var grain = cluster.Client.GetGrain<ILedgerTestGrain>("ledger/with odd?key");

        await grain.AddAsync("a", 40);
        await grain.AddAsync("b", 2);
        await grain.AddAsync("a", 1_000_000_000_000);
        var before = await grain.GetAsync();
        await cluster.DeactivateAsync(grain);
        var after = await grain.GetAsync();

        Assert.NotEqual(before.ActivationId, after.ActivationId);
        Assert.True(after.RecordExists);
        Assert.Equal(before.State.Id, after.State.Id);
        Assert.NotEqual(Guid.Empty, after.State.Id);
        Assert.Equal(1_000_000_000_042, after.State.Offset);
        Assert.Equal(new Dictionary<string, long> { ["a"] = 2, ["b"] = 1 }, after.State.Counts);
        Assert.Equal(new TestLedgerEntry[] { new("a", 40), new("b", 2), new("a", 1_000_000_000_000) }, after.State.Entries);
        var container = fixture.BlobService().GetBlobContainerClient(containerName);
        var blob = Assert.Single(await ListBlobNamesAsync(container));
        Assert.Equal("grainstate/ledger/ledgertest/ledger%2Fwith%20odd%3Fkey.json", blob);
        var stored = (await container.GetBlobClient(blob).DownloadContentAsync()).Value;
        Assert.Equal("application/json", stored.Details.ContentType);
        using var json = System.Text.Json.JsonDocument.Parse(stored.Content.ToMemory());
        Assert.Equal(1_000_000_000_042, json.RootElement.GetProperty("Offset").GetInt64());
        Assert.DoesNotContain("$type", stored.Content.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Configuration_without_a_storage_account_or_with_a_bad_container_name_is_rejected_with_the_fix()
    {
        var noAccount = Assert.Throws<OrleansConfigurationException>(
            () => new BlobGrainStorageOptionsValidator(new BlobGrainStorageOptions(), new OrleansLogStorageOptions(), "Default").ValidateConfiguration());
        var badContainer = Assert.Throws<OrleansConfigurationException>(
            () => new BlobGrainStorageOptionsValidator(new BlobGrainStorageOptions { ContainerName = "Grain_State" }, new OrleansLogStorageOptions { ConnectionString = "UseDevelopmentStorage=true" }, "Default").ValidateConfiguration());
        var noClient = Assert.Throws<InvalidOperationException>(() => new OrleansLogStorageOptions().CreateBlobServiceClient());

        Assert.Contains("'Default'", noAccount.Message, StringComparison.Ordinal);
        Assert.Contains("BlobServiceUri", noAccount.Message, StringComparison.Ordinal);
        Assert.Contains("'Grain_State'", badContainer.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionString", noClient.Message, StringComparison.Ordinal);
        new BlobGrainStorageOptionsValidator(new BlobGrainStorageOptions(), new OrleansLogStorageOptions { BlobServiceUri = new Uri("https://account.blob.core.windows.net") }, "Default").ValidateConfiguration();
        Assert.Equal("account.blob.core.windows.net", new OrleansLogStorageOptions { BlobServiceUri = new Uri("https://account.blob.core.windows.net") }.CreateBlobServiceClient().Uri.Host);
    }

    private static TestLedgerState Ledger(long offset) => new() { Offset = offset };

    private static TestLedgerState SampleState() => new()
    {
        Id = new Guid("6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"),
        Offset = long.MaxValue - 7,
        Counts = new Dictionary<string, long> { ["orders"] = 3, ["refunds"] = -1, ["ünïcode"] = long.MinValue },
        Entries = [new TestLedgerEntry("first", 1), new TestLedgerEntry("second", 9_007_199_254_740_993)],
    };

    private static void AssertSameLedger(TestLedgerState expected, TestLedgerState actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Offset, actual.Offset);
        Assert.Equal(expected.Counts.OrderBy(p => p.Key, StringComparer.Ordinal), actual.Counts.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Entries, actual.Entries);
    }

    private static async Task<List<string>> ListBlobNamesAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        if (!await container.ExistsAsync())
        {
            return names;
        }

        await foreach (var blob in container.GetBlobsAsync())
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
