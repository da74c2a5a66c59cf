using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLog.Clustering;
using OrleansLog.ClusterTests.Infrastructure;

namespace OrleansLog.ClusterTests.Clustering;

/// <summary>The membership table protocol, as Orleans' own membership table tests check it, against Azurite's table service.</summary>
public sealed class AzureTableMembershipTableTests
{
    private static int _generation = 1;

    [Fact]
    public async Task An_empty_table_reads_version_zero_and_no_rows_and_initializing_twice_is_harmless()
    {
        var table = await CreateAsync();
        await table.InitializeMembershipTable(true);
        var data = await table.ReadAll();
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
    }

    [Fact]
    public async Task Inserted_rows_read_back_with_a_new_version_and_a_second_insert_of_the_same_silo_fails()
    {
        var table = await CreateAsync();
        var entry = Entry(SiloStatus.Joining);
        var empty = await table.ReadAll();
        Assert.True(await table.InsertRow(entry, empty.Version.Next()));

        var all = await table.ReadAll();
        Assert.Equal(1, all.Version.Version);
        var (read, etag) = Assert.Single(all.Members);
        Assert.Equal(entry.SiloAddress, read.SiloAddress);
        Assert.Equal(SiloStatus.Joining, read.Status);
        Assert.Equal(entry.ProxyPort, read.ProxyPort);
        Assert.Equal(entry.SiloName, read.SiloName);
        Assert.Equal(entry.StartTime, read.StartTime);
        Assert.False(string.IsNullOrEmpty(etag));

        var row = await table.ReadRow(entry.SiloAddress);
        Assert.Equal(entry.SiloAddress, Assert.Single(row.Members).Item1.SiloAddress);
        Assert.Equal(1, row.Version.Version);

        Assert.False(await table.InsertRow(entry, all.Version.Next()));
        Assert.Equal(1, (await table.ReadAll()).Version.Version);
    }

    [Fact]
    public async Task Updates_need_the_current_etag_and_table_version_and_a_stale_one_changes_nothing()
    {
        var table = await CreateAsync();
        var entry = Entry(SiloStatus.Joining);
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        var before = await table.ReadAll();
        var (current, etag) = before.Members[0];

        var suspect = Entry(SiloStatus.Active).SiloAddress;
        current.Status = SiloStatus.Active;
        current.SuspectTimes = [Tuple.Create(suspect, new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc))];
        Assert.True(await table.UpdateRow(current, etag, before.Version.Next()));

        var after = await table.ReadAll();
        Assert.Equal(2, after.Version.Version);
        var updated = after.Members[0].Item1;
        Assert.Equal(SiloStatus.Active, updated.Status);
        var (suspector, time) = Assert.Single(updated.SuspectTimes!);
        Assert.Equal(suspect, suspector);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), time);

        // The old row etag, or the old table version, both lose.
        current.Status = SiloStatus.Dead;
        Assert.False(await table.UpdateRow(current, etag, after.Version.Next()));
        Assert.False(await table.UpdateRow(current, after.Members[0].Item2, before.Version.Next()));
        var unchanged = await table.ReadAll();
        Assert.Equal(2, unchanged.Version.Version);
        Assert.Equal(SiloStatus.Active, unchanged.Members[0].Item1.Status);
    }

    [Fact]
    public async Task IAmAlive_changes_only_the_alive_time()
    {
        var table = await CreateAsync();
        var entry = Entry(SiloStatus.Active);
        Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        var alive = new DateTime(2030, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        entry.IAmAliveTime = alive;
        entry.Status = SiloStatus.Dead; // must not be written by an IAmAlive update
        await table.UpdateIAmAlive(entry);

        var data = await table.ReadAll();
        Assert.Equal(1, data.Version.Version);
        Assert.Equal(alive, data.Members[0].Item1.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, data.Members[0].Item1.Status);
    }

    [Fact]
    public async Task Cleanup_removes_only_dead_silos_older_than_the_date_and_delete_removes_the_cluster()
    {
        var (table, _, clusterId) = await CreateTableAsync();
        var old = DateTime.UtcNow.AddHours(-2);
        var deadOld = Entry(SiloStatus.Dead, old);
        var deadNew = Entry(SiloStatus.Dead, DateTime.UtcNow);
        var activeOld = Entry(SiloStatus.Active, old);
        foreach (var entry in new[] { deadOld, deadNew, activeOld })
        {
            Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntries(DateTimeOffset.UtcNow.AddHours(-1));
        var remaining = (await table.ReadAll()).Members.Select(m => m.Item1.SiloAddress).ToList();
        Assert.Equal(2, remaining.Count);
        Assert.DoesNotContain(deadOld.SiloAddress, remaining);

        await table.DeleteMembershipTableEntries(clusterId);
        var gone = await table.ReadAll();
        Assert.Empty(gone.Members);
        Assert.Equal(0, gone.Version.Version);
    }

    [Fact]
    public async Task Concurrent_writers_get_exactly_one_winner_per_table_version()
    {
        var table = await CreateAsync();
        var version = (await table.ReadAll()).Version;
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => table.InsertRow(Entry(SiloStatus.Joining), version.Next())));
        Assert.Equal(1, attempts.Count(won => won));
        var data = await table.ReadAll();
        Assert.Equal(1, data.Version.Version);
        Assert.Single(data.Members);
    }

    [Fact]
    public async Task The_gateway_list_names_the_proxy_endpoints_of_active_silos_only()
    {
        var (table, options, clusterId) = await CreateTableAsync();
        var active = Entry(SiloStatus.Active);
        var joining = Entry(SiloStatus.Joining);
        foreach (var entry in new[] { active, joining })
        {
            Assert.True(await table.InsertRow(entry, (await table.ReadAll()).Version.Next()));
        }

        var provider = new AzureTableGatewayListProvider(Options.Create(options), Options.Create(new ClusterOptions { ClusterId = clusterId }), Options.Create(new GatewayOptions()));
        await provider.InitializeGatewayListProvider();
        var gateway = Assert.Single(await provider.GetGateways());
        Assert.Equal(SiloAddress.New(active.SiloAddress.Endpoint.Address, active.ProxyPort, active.SiloAddress.Generation).ToGatewayUri(), gateway);
    }

    private static async Task<(AzureTableMembershipTable Table, AzureTableClusteringOptions Options, string ClusterId)> CreateTableAsync()
    {
        var azurite = await TestAzurite.GetAsync();
        var options = new AzureTableClusteringOptions { ConnectionString = azurite.ConnectionString, TableName = "m" + Guid.NewGuid().ToString("N") };
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
        var table = new AzureTableMembershipTable(Options.Create(options), Options.Create(new ClusterOptions { ClusterId = clusterId }), NullLogger<AzureTableMembershipTable>.Instance);
        await table.InitializeMembershipTable(true);
        return (table, options, clusterId);
    }

    private static async Task<AzureTableMembershipTable> CreateAsync() => (await CreateTableAsync()).Table;

    private static MembershipEntry Entry(SiloStatus status, DateTime? alive = null)
    {
        var generation = Interlocked.Increment(ref _generation);
        var now = DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111 + generation), generation),
            Status = status,
            ProxyPort = 30000 + generation,
            HostName = "host",
            SiloName = $"silo-{generation}",
            RoleName = "role",
            StartTime = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc),
            IAmAliveTime = alive ?? now,
            SuspectTimes = [],
        };
    }
}
