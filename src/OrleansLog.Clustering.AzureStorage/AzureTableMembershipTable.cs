using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansLog.Clustering;

/// <summary>
/// Orleans' membership table on Azure Table storage: per cluster, one version row and one row per silo. Inserts and updates
/// change a silo row and the version row in one ETag-conditional transaction, so concurrent writers can't both win a version.
/// </summary>
public sealed partial class AzureTableMembershipTable(
    IOptions<AzureTableClusteringOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    ILogger<AzureTableMembershipTable> logger) : IMembershipTable
{
    private readonly string _clusterId = clusterOptions.Value.ClusterId;
    private TableClient? _table;

    private TableClient Table => _table ??= options.Value.CreateTableClient();

    /// <inheritdoc />
    public async Task InitializeMembershipTable(bool tryInitTableVersion)
    {
        await Table.CreateIfNotExistsAsync().ConfigureAwait(false);
        if (tryInitTableVersion)
        {
            try
            {
                await Table.AddEntityAsync(new TableEntity(_clusterId, SiloRow.VersionRowKey) { [SiloRow.Version] = 0 }).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // Another silo created it first.
            }
        }

        LogInitialized(options.Value.TableName, _clusterId);
    }

    /// <inheritdoc />
    public async Task DeleteMembershipTableEntries(string clusterId)
    {
        await foreach (var entity in Table.QueryAsync<TableEntity>(e => e.PartitionKey == clusterId, select: ["PartitionKey", "RowKey"]).ConfigureAwait(false))
        {
            await Table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate)
    {
        await foreach (var entity in Table.QueryAsync<TableEntity>(e => e.PartitionKey == _clusterId).ConfigureAwait(false))
        {
            if (entity.RowKey == SiloRow.VersionRowKey)
            {
                continue;
            }

            var entry = SiloRow.ToEntry(entity);
            if (entry.Status == SiloStatus.Dead && new DateTimeOffset(entry.IAmAliveTime, TimeSpan.Zero) < beforeDate)
            {
                await Table.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, entity.ETag).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<MembershipTableData> ReadRow(SiloAddress key)
    {
        var rowKey = SiloRow.RowKey(key);
        var version = await Table.GetEntityIfExistsAsync<TableEntity>(_clusterId, SiloRow.VersionRowKey).ConfigureAwait(false);
        var silo = await Table.GetEntityIfExistsAsync<TableEntity>(_clusterId, rowKey).ConfigureAwait(false);
        var entries = new List<Tuple<MembershipEntry, string>>();
        if (silo.HasValue)
        {
            entries.Add(Tuple.Create(SiloRow.ToEntry(silo.Value!), silo.Value!.ETag.ToString()));
        }

        return new MembershipTableData(entries, ToVersion(version.HasValue ? version.Value : null));
    }

    /// <inheritdoc />
    public async Task<MembershipTableData> ReadAll()
    {
        TableEntity? version = null;
        var entries = new List<Tuple<MembershipEntry, string>>();
        await foreach (var entity in Table.QueryAsync<TableEntity>(e => e.PartitionKey == _clusterId).ConfigureAwait(false))
        {
            if (entity.RowKey == SiloRow.VersionRowKey)
            {
                version = entity;
            }
            else
            {
                entries.Add(Tuple.Create(SiloRow.ToEntry(entity), entity.ETag.ToString()));
            }
        }

        return new MembershipTableData(entries, ToVersion(version));
    }

    /// <inheritdoc />
    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) =>
        TryCommitAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, SiloRow.ToEntity(_clusterId, entry)),
                VersionUpdate(tableVersion),
            ],
            "insert",
            entry.SiloAddress);

    /// <inheritdoc />
    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        TryCommitAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, SiloRow.ToEntity(_clusterId, entry), new ETag(etag)),
                VersionUpdate(tableVersion),
            ],
            "update",
            entry.SiloAddress);

    /// <inheritdoc />
    public async Task UpdateIAmAlive(MembershipEntry entry) =>
        await Table.UpdateEntityAsync(SiloRow.AliveUpdate(_clusterId, entry), ETag.All, TableUpdateMode.Merge).ConfigureAwait(false);

    private TableTransactionAction VersionUpdate(TableVersion tableVersion) => new(
        TableTransactionActionType.UpdateReplace,
        new TableEntity(_clusterId, SiloRow.VersionRowKey) { [SiloRow.Version] = tableVersion.Version },
        new ETag(tableVersion.VersionEtag));

    // A conflict (the silo row exists, or the row or version changed since it was read) means another writer won: Orleans
    // re-reads and retries. Anything else is a real failure and propagates.
    private async Task<bool> TryCommitAsync(TableTransactionAction[] actions, string operation, SiloAddress silo)
    {
        try
        {
            await Table.SubmitTransactionAsync(actions).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status is 409 or 412 or 404)
        {
            LogConflict(operation, silo, e.Status);
            return false;
        }
    }

    private static TableVersion ToVersion(TableEntity? version) =>
        version is null ? new TableVersion(0, ETag.All.ToString()) : new TableVersion(version.GetInt32(SiloRow.Version) ?? 0, version.ETag.ToString());

    [LoggerMessage(Level = LogLevel.Information, Message = "Azure Table membership: table {Table}, cluster {ClusterId}")]
    private partial void LogInitialized(string table, string clusterId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Azure Table membership {Operation} of {Silo} lost a race ({Status}); Orleans retries")]
    private partial void LogConflict(string operation, SiloAddress silo, int status);
}
