using System.Net;
using Orleans.Messaging;

namespace OrleansLog.ClusterTests.Clustering;

/// <summary>
/// Orleans' membership table contract, written once and run against every <see cref="IMembershipTable"/> implementation:
/// versioned inserts and updates with exactly one winner per table version, reads, heartbeats, cleanup and deletion.
/// </summary>
/// <remarks>Each test works in a cluster id of its own, so implementations may share one table across tests.</remarks>
public abstract class MembershipTableConformanceTests : IAsyncLifetime
{
    private static int _generation;
    private readonly List<(IMembershipTable Table, string ClusterId)> _tables = [];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));

    /// <summary>The table under test, initialized, for this test's cluster.</summary>
    protected IMembershipTable Table { get; private set; } = null!;

    /// <summary>Cancels this test's storage calls if it runs for more than 30 seconds.</summary>
    protected CancellationToken Ct => _timeout.Token;

    /// <summary>This test's cluster id.</summary>
    protected string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N");

    /// <summary>Creates an uninitialized membership table for <paramref name="clusterId"/>.</summary>
    protected abstract IMembershipTable CreateMembershipTable(string clusterId);

    /// <summary>Creates an uninitialized gateway list provider reading <paramref name="clusterId"/>'s silos from the same storage.</summary>
    protected abstract IGatewayListProvider CreateGatewayListProvider(string clusterId);

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => Table = await OpenAsync(ClusterId);

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var (table, clusterId) in _tables)
        {
            await table.DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);
        }

        _timeout.Dispose();
    }

    [Fact]
    public async Task ReadAll_on_an_empty_table_returns_version_zero_and_no_rows()
    {
        var data = await Table.ReadAllAsync(Ct);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.NotNull(data.Version.VersionEtag);
    }

    [Fact]
    public async Task Initializing_again_keeps_the_rows_and_the_version()
    {
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);

        await Table.InitializeMembershipTableAsync(true, Ct);
        await CreateMembershipTable(ClusterId).InitializeMembershipTableAsync(true, Ct);

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(1, after.Version.Version);
        AssertSameEntry(entry, Assert.Single(after.Members).Item1);
    }

    [Fact]
    public async Task InsertRow_then_ReadRow_and_ReadAll_return_the_entry_and_the_new_version()
    {
        var empty = await Table.ReadAllAsync(Ct);
        var entry = NewEntry();
        entry.RoleName = "log";
        entry.UpdateZone = 3;
        entry.FaultZone = 7;
        entry.AddSuspector(NewSiloAddress(), Now().AddSeconds(-2));
        entry.AddSuspector(NewSiloAddress(), Now().AddSeconds(-1));

        Assert.True(await Table.InsertRowAsync(entry, empty.Version.Next(), Ct));

        var all = await Table.ReadAllAsync(Ct);
        Assert.Equal(1, all.Version.Version);
        Assert.NotEqual(empty.Version.VersionEtag, all.Version.VersionEtag);
        var (readEntry, etag) = Assert.Single(all.Members);
        AssertSameEntry(entry, readEntry);
        Assert.False(string.IsNullOrEmpty(etag));

        var row = await Table.ReadRowAsync(entry.SiloAddress, Ct);
        Assert.Equal(all.Version, row.Version);
        var (rowEntry, rowEtag) = Assert.Single(row.Members);
        AssertSameEntry(entry, rowEntry);
        Assert.Equal(etag, rowEtag);

        var missing = await Table.ReadRowAsync(NewSiloAddress(), Ct);
        Assert.Empty(missing.Members);
        Assert.Equal(all.Version, missing.Version);
    }

    [Fact]
    public async Task InsertRow_of_an_existing_silo_or_at_a_stale_version_returns_false_and_changes_nothing()
    {
        var entry = NewEntry();
        var first = (await Table.ReadAllAsync(Ct)).Version.Next();
        Assert.True(await Table.InsertRowAsync(entry, first, Ct));
        var afterInsert = await Table.ReadAllAsync(Ct);

        Assert.False(await Table.InsertRowAsync(entry, first, Ct), "same silo, stale version");
        Assert.False(await Table.InsertRowAsync(NewEntry(), first, Ct), "new silo, stale version");
        var changed = NewEntry(entry.SiloAddress);
        changed.Status = SiloStatus.Active;
        Assert.False(await Table.InsertRowAsync(changed, afterInsert.Version.Next(), Ct), "same silo, current version");

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(afterInsert.Version, after.Version);
        var (stored, etag) = Assert.Single(after.Members);
        AssertSameEntry(entry, stored);
        Assert.Equal(afterInsert.Members[0].Item2, etag);
    }

    [Fact]
    public async Task UpdateRow_with_the_read_etag_and_version_succeeds_and_stale_ones_return_false_and_change_nothing()
    {
        var entry = NewEntry();
        var inserted = (await Table.ReadAllAsync(Ct)).Version.Next();
        Assert.True(await Table.InsertRowAsync(entry, inserted, Ct));
        var read = await Table.ReadAllAsync(Ct);
        var etag = read.Members[0].Item2;

        // The version the insert used is stale now, even with the current row etag.
        entry.Status = SiloStatus.Active;
        Assert.False(await Table.UpdateRowAsync(entry, etag, inserted, Ct));

        Assert.True(await Table.UpdateRowAsync(entry, etag, read.Version.Next(), Ct));
        var updated = await Table.ReadAllAsync(Ct);
        Assert.Equal(2, updated.Version.Version);
        var (stored, newEtag) = Assert.Single(updated.Members);
        AssertSameEntry(entry, stored);
        Assert.NotEqual(etag, newEtag);

        // The current row etag fails at a stale version. (Every row change also moves the version, so the version row is what makes
        // concurrent writers lose: a stale row etag at the current version cannot come from a read, and Orleans does not promise to
        // reject it; against Azurite, Orleans' Azure provider accepts it.)
        var rejected = NewEntry(entry.SiloAddress);
        rejected.Status = SiloStatus.Dead;
        Assert.False(await Table.UpdateRowAsync(rejected, newEtag, read.Version.Next(), Ct), "current etag, stale version");
        Assert.False(await Table.UpdateRowAsync(NewEntry(), newEtag, updated.Version.Next(), Ct), "a silo with no row");

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(updated.Version, after.Version);
        var (unchanged, unchangedEtag) = Assert.Single(after.Members);
        AssertSameEntry(entry, unchanged);
        Assert.Equal(SiloStatus.Active, unchanged.Status);
        Assert.Equal(newEtag, unchangedEtag);
    }

    [Fact]
    public async Task UpdateIAmAlive_changes_only_the_alive_time_and_leaves_the_version_alone()
    {
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);

        var alive = Now().AddSeconds(5);
        await Table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive }, Ct);

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        var (stored, storedEtag) = Assert.Single(after.Members);
        Assert.Equal(alive, stored.IAmAliveTime);
        entry.IAmAliveTime = alive;
        AssertSameEntry(entry, stored);

        // Orleans updates a row with the etag of a fresh read, which a heartbeat since does not spoil.
        entry.Status = SiloStatus.Active;
        Assert.True(await Table.UpdateRowAsync(entry, storedEtag, before.Version.Next(), Ct));
        var updated = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version.Version + 1, updated.Version.Version);
        AssertSameEntry(entry, Assert.Single(updated.Members).Item1);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_removes_only_dead_entries_last_updated_before_the_date()
    {
        var cutoff = Now().AddDays(-7);
        var oldDead = NewEntry(status: SiloStatus.Dead, age: TimeSpan.FromDays(10));
        var recentDead = NewEntry(status: SiloStatus.Dead, age: TimeSpan.FromDays(1));
        var oldDeadRecentlyDeclared = NewEntry(status: SiloStatus.Dead, age: TimeSpan.FromDays(10));
        oldDeadRecentlyDeclared.AddSuspector(NewSiloAddress(), Now().AddDays(-1));
        var kept = new List<MembershipEntry> { recentDead, oldDeadRecentlyDeclared, NewEntry(status: SiloStatus.Active), NewEntry(status: SiloStatus.Active, age: TimeSpan.FromDays(10)) };
        foreach (var status in Enum.GetValues<SiloStatus>().Where(s => s is not (SiloStatus.None or SiloStatus.Dead)))
        {
            kept.Add(NewEntry(status: status, age: TimeSpan.FromDays(10)));
        }

        foreach (var entry in kept.Append(oldDead))
        {
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        }

        var before = await Table.ReadAllAsync(Ct);
        await Table.CleanupDefunctSiloEntriesAsync(cutoff, Ct);

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(kept.Select(e => e.SiloAddress.ToParsableString()).Order(), after.Members.Select(m => m.Item1.SiloAddress.ToParsableString()).Order());

        await Table.CleanupDefunctSiloEntriesAsync(cutoff, Ct);
        Assert.Equal(kept.Count, (await Table.ReadAllAsync(Ct)).Members.Count);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_removes_only_that_cluster_which_starts_over_when_initialized_again()
    {
        var other = await OpenAsync("other-" + Guid.NewGuid().ToString("N"));
        Assert.True(await other.InsertRowAsync(NewEntry(), (await other.ReadAllAsync(Ct)).Version.Next(), Ct));
        Assert.True(await Table.InsertRowAsync(NewEntry(), (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        Assert.True(await Table.InsertRowAsync(NewEntry(), (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));

        // Initialized again (as a starting silo does), the cluster starts over: no rows, version 0.
        await Table.DeleteMembershipTableEntriesAsync(ClusterId, Ct);
        await Table.InitializeMembershipTableAsync(true, Ct);

        var deleted = await Table.ReadAllAsync(Ct);
        Assert.Empty(deleted.Members);
        Assert.Equal(0, deleted.Version.Version);
        var untouched = await other.ReadAllAsync(Ct);
        Assert.Single(untouched.Members);
        Assert.Equal(1, untouched.Version.Version);

        // It restarts at version 1, still with one winner per version.
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, deleted.Version.Next(), Ct));
        Assert.False(await Table.InsertRowAsync(NewEntry(), deleted.Version.Next(), Ct));
        var restarted = await Table.ReadAllAsync(Ct);
        Assert.Equal(1, restarted.Version.Version);
        AssertSameEntry(entry, Assert.Single(restarted.Members).Item1);
    }

    [Fact]
    public async Task Concurrent_inserts_at_one_version_have_exactly_one_winner()
    {
        var version = (await Table.ReadAllAsync(Ct)).Version.Next();
        var sameSilo = NewEntry();
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => Table.InsertRowAsync(sameSilo, version, Ct))));
        Assert.Single(results, r => r);

        var next = (await Table.ReadAllAsync(Ct)).Version.Next();
        var differentSilos = Enumerable.Range(0, 10).Select(_ => NewEntry()).ToArray();
        results = await Task.WhenAll(differentSilos.Select(e => Task.Run(() => Table.InsertRowAsync(e, next, Ct))));
        Assert.Single(results, r => r);

        var data = await Table.ReadAllAsync(Ct);
        Assert.Equal(2, data.Version.Version);
        Assert.Equal(2, data.Members.Count);
    }

    [Fact]
    public async Task Concurrent_updates_keep_the_version_monotonic_with_exactly_one_winner_per_version()
    {
        const int Writers = 8;
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));

        // Each writer retries read-then-update until its own update wins, recording the version it won.
        var won = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            while (true)
            {
                Ct.ThrowIfCancellationRequested();
                var data = await Table.ReadAllAsync(Ct);
                var (current, etag) = data.Members.Single();
                current.FaultZone = writer;
                var next = data.Version.Next();
                if (await Table.UpdateRowAsync(current, etag, next, Ct))
                {
                    return next.Version;
                }
            }
        })));

        Assert.Equal(Enumerable.Range(2, Writers), won.Order());
        var final = await Table.ReadAllAsync(Ct);
        Assert.Equal(1 + Writers, final.Version.Version);
        Assert.Single(final.Members);
    }

    [Fact]
    public async Task GetGateways_returns_the_gateway_endpoints_of_active_silos_only()
    {
        var activeGateways = new[] { NewEntry(status: SiloStatus.Active), NewEntry(status: SiloStatus.Active) };
        var others = new List<MembershipEntry> { NewEntry(status: SiloStatus.Active) };
        others[0].ProxyPort = 0;
        foreach (var status in Enum.GetValues<SiloStatus>().Where(s => s is not (SiloStatus.None or SiloStatus.Active)))
        {
            others.Add(NewEntry(status: status));
        }

        foreach (var entry in activeGateways.Concat(others))
        {
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        }

        var provider = CreateGatewayListProvider(ClusterId);
        await provider.InitializeGatewayListProviderAsync(Ct);
        var gateways = await provider.GetGatewaysAsync(Ct);

        var expected = activeGateways.Select(e => SiloAddress.New(e.SiloAddress.Endpoint.Address, e.ProxyPort, e.SiloAddress.Generation).ToGatewayUri());
        Assert.Equal(expected.Select(u => u.ToString()).Order(), gateways.Select(u => u.ToString()).Order());
    }

    /// <summary>Creates and initializes a table for <paramref name="clusterId"/>, deleting the cluster's rows when the test ends.</summary>
    protected async Task<IMembershipTable> OpenAsync(string clusterId)
    {
        var table = CreateMembershipTable(clusterId);
        await table.InitializeMembershipTableAsync(true, Ct);
        _tables.Add((table, clusterId));
        return table;
    }

    /// <summary>A new entry (a new silo unless <paramref name="silo"/> is given) with times at whole seconds, <paramref name="age"/> in the past.</summary>
    protected static MembershipEntry NewEntry(SiloAddress? silo = null, SiloStatus status = SiloStatus.Joining, TimeSpan age = default)
    {
        silo ??= NewSiloAddress();
        return new MembershipEntry
        {
            SiloAddress = silo,
            Status = status,
            HostName = "host-" + silo.Generation,
            SiloName = "silo-" + silo.Generation,
            ProxyPort = 30000 + (silo.Generation % 1000),
            StartTime = Now() - age,
            IAmAliveTime = Now() - age,
        };
    }

    /// <summary>A silo address no other test uses.</summary>
    protected static SiloAddress NewSiloAddress() =>
        SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), Interlocked.Increment(ref _generation));

    private static DateTime Now()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }

    private static void AssertSameEntry(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.RoleName, actual.RoleName);
        Assert.Equal(expected.UpdateZone, actual.UpdateZone);
        Assert.Equal(expected.FaultZone, actual.FaultZone);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(
            (expected.SuspectTimes ?? []).Select(s => (s.Item1.ToParsableString(), s.Item2)),
            (actual.SuspectTimes ?? []).Select(s => (s.Item1.ToParsableString(), s.Item2)));
    }
}
