using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansLog.Clustering;

/// <summary>Orleans' membership table on Azure Table storage: per cluster one version row and one row per silo (see <see cref="MembershipRows"/> for the layout).</summary>
/// <remarks>
/// Every insert and update writes the silo row and the version row in one entity group transaction, conditional on the
/// version row's ETag (and, for an update, on the row being the one Orleans read), so of two writers that read the same
/// table version exactly one wins; the loser gets <see langword="false"/> and Orleans re-reads and retries. Heartbeats merge
/// the IAmAlive time alone and change neither the table version nor the row ETag Orleans sees.
/// </remarks>
public sealed partial class AzureTableMembershipTable : IMembershipTable
{
    // An update re-reads and retries when only a heartbeat raced it; more attempts than this means real contention.
    private const int MaxUpdateAttempts = 3;

    private readonly AzureTableClusteringOptions _options;
    private readonly string _clusterId;
    private readonly ILogger<AzureTableMembershipTable> _logger;
    private readonly Lazy<TableClient> _table;

    /// <summary>Creates the membership table for the cluster in <paramref name="clusterOptions"/>; no storage call happens before <see cref="InitializeMembershipTableAsync"/>.</summary>
    public AzureTableMembershipTable(
        IOptions<AzureTableClusteringOptions> options,
        IOptions<ClusterOptions> clusterOptions,
        ILogger<AzureTableMembershipTable> logger)
    {
        _options = options.Value;
        _clusterId = clusterOptions.Value.ClusterId;
        _logger = logger;
        _table = new Lazy<TableClient>(() => _options.CreateTableServiceClient().GetTableClient(_options.TableName));
    }

    private TableClient Table => _table.Value;

    /// <inheritdoc />
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    /// <inheritdoc />
    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        await Table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        if (tryInitTableVersion)
        {
            try
            {
                await Table.AddEntityAsync(MembershipRows.VersionRow(_clusterId, 0), cancellationToken).ConfigureAwait(false);
                LogCreatedVersionRow(_options.TableName, _clusterId);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Another silo (or an earlier start) created it: any existing version row is the right one.
            }
        }
    }

    /// <inheritdoc />
    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    /// <inheritdoc />
    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        var keys = new List<(string PartitionKey, string RowKey)>();
        var query = Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {clusterId}"),
            select: ["PartitionKey", "RowKey"],
            cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
        {
            keys.Add((entity.PartitionKey, entity.RowKey));
        }

        // Deleting an entity that is already gone succeeds, so a concurrent delete is harmless.
        foreach (var (partitionKey, rowKey) in keys)
        {
            await Table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }

        LogDeletedCluster(_options.TableName, clusterId, keys.Count);
    }

    /// <inheritdoc />
    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    /// <inheritdoc />
    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        const string Dead = nameof(SiloStatus.Dead);
        var defunct = new List<TableEntity>();
        var query = Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {_clusterId} and Status eq {Dead}"),
            cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
        {
            if (LastKnownUpdate(MembershipRows.ToEntry(entity)) < beforeDate.UtcDateTime)
            {
                defunct.Add(entity);
            }
        }

        var deleted = 0;
        foreach (var entity in defunct)
        {
            try
            {
                // Conditional on the row read, so a row changed since is left for a later cleanup to judge.
                var response = await Table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag, cancellationToken).ConfigureAwait(false);
                deleted += response.Status == 404 ? 0 : 1;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                LogCleanupSkipped(entity.RowKey);
            }
        }

        LogCleanedUp(_options.TableName, _clusterId, deleted, beforeDate);
    }

    /// <inheritdoc />
    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    /// <inheritdoc />
    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken)
    {
        var (row, version) = await ReadRowAndVersionAsync(MembershipRows.RowKey(key), cancellationToken).ConfigureAwait(false);
        var entries = new List<Tuple<MembershipEntry, string>>(1);
        if (row is not null)
        {
            entries.Add(Tuple.Create(MembershipRows.ToEntry(row), MembershipRows.ToRowETag(row)));
        }

        return new MembershipTableData(entries, MembershipRows.ToTableVersion(version));
    }

    /// <inheritdoc />
    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    /// <inheritdoc />
    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken)
    {
        // One query over the cluster's partition reads the version row and the silo rows together.
        TableEntity? version = null;
        var entries = new List<Tuple<MembershipEntry, string>>();
        var query = Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {_clusterId}"), cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
        {
            if (entity.RowKey == MembershipRows.VersionRowKey)
            {
                version = entity;
            }
            else
            {
                entries.Add(Tuple.Create(MembershipRows.ToEntry(entity), MembershipRows.ToRowETag(entity)));
            }
        }

        return new MembershipTableData(entries, MembershipRows.ToTableVersion(version));
    }

    /// <inheritdoc />
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    /// <inheritdoc />
    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        // Add fails with 409 if the silo's row exists; the version row's ETag condition fails with 412 on a stale version.
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, MembershipRows.ToEntity(_clusterId, entry)),
            VersionRowAction(tableVersion),
        ];
        if (await TrySubmitAsync(actions, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        LogLostRace("insert", entry.SiloAddress, tableVersion.Version);
        return false;
    }

    /// <inheritdoc />
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    /// <inheritdoc />
    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        var rowKey = MembershipRows.RowKey(entry.SiloAddress);
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            // Orleans' row ETag is the row's RowVersion, which heartbeats leave alone; the storage ETag read here guards the
            // write against anything that changes the row between this read and the transaction.
            var (row, version) = await ReadRowAndVersionAsync(rowKey, cancellationToken).ConfigureAwait(false);
            if (row is null || MembershipRows.ToRowETag(row) != etag || MembershipRows.ToTableVersion(version).VersionEtag != tableVersion.VersionEtag)
            {
                break;
            }

            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.UpdateReplace, MembershipRows.ToEntity(_clusterId, entry), row.ETag),
                VersionRowAction(tableVersion),
            ];
            if (await TrySubmitAsync(actions, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }

            // A heartbeat or another writer got in between; the next read tells which.
        }

        LogLostRace("update", entry.SiloAddress, tableVersion.Version);
        return false;
    }

    /// <inheritdoc />
    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <inheritdoc />
    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken) =>
        await Table.UpdateEntityAsync(MembershipRows.ToIAmAliveEntity(_clusterId, entry), ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);

    // The last known update includes the suspicion votes that declared the silo dead, not only its last heartbeat, so a
    // silo that died long after its last heartbeat stays visible for a while (Orleans' rule for defunct entries).
    private static DateTime LastKnownUpdate(MembershipEntry entry)
    {
        var latest = entry.IAmAliveTime > entry.StartTime ? entry.IAmAliveTime : entry.StartTime;
        foreach (var (_, time) in entry.SuspectTimes ?? [])
        {
            if (time > latest)
            {
                latest = time;
            }
        }

        return latest;
    }

    // Replaces the version row if Orleans read one, and creates it if the read found none (a cluster whose rows were deleted).
    private TableTransactionAction VersionRowAction(TableVersion tableVersion)
    {
        var row = MembershipRows.VersionRow(_clusterId, tableVersion.Version);
        return string.IsNullOrEmpty(tableVersion.VersionEtag)
            ? new TableTransactionAction(TableTransactionActionType.Add, row)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, new ETag(tableVersion.VersionEtag));
    }

    private async Task<(TableEntity? Row, TableEntity? Version)> ReadRowAndVersionAsync(string rowKey, CancellationToken cancellationToken)
    {
        const string VersionRowKey = MembershipRows.VersionRowKey;
        TableEntity? row = null;
        TableEntity? version = null;
        var query = Table.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {_clusterId} and (RowKey eq {rowKey} or RowKey eq {VersionRowKey})"),
            cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
        {
            if (entity.RowKey == VersionRowKey)
            {
                version = entity;
            }
            else
            {
                row = entity;
            }
        }

        return (row, version);
    }

    // A conflict (409: the row exists; 412: a row changed since it was read; 404: a row to replace is gone) means another
    // writer won. Anything else is a real failure and propagates to Orleans, which logs and retries.
    private async Task<bool> TrySubmitAsync(TableTransactionAction[] actions, CancellationToken cancellationToken)
    {
        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the membership version row for cluster {ClusterId} in table {Table}")]
    private partial void LogCreatedVersionRow(string table, string clusterId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} membership rows of cluster {ClusterId} from table {Table}")]
    private partial void LogDeletedCluster(string table, string clusterId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} dead silo rows of cluster {ClusterId} last updated before {BeforeDate} from table {Table}")]
    private partial void LogCleanedUp(string table, string clusterId, int count, DateTimeOffset beforeDate);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kept defunct silo row {RowKey}: it changed while being cleaned up")]
    private partial void LogCleanupSkipped(string rowKey);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Membership {Operation} of {Silo} at table version {Version} lost to a concurrent change; Orleans re-reads and retries")]
    private partial void LogLostRace(string operation, SiloAddress silo, int version);
}
