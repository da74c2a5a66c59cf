using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace OrleansLog.Clustering;

/// <summary>Tells Orleans clients the gateways of a cluster: the proxy endpoints of its active silos in the membership table.</summary>
public sealed class AzureTableGatewayListProvider(
    IOptions<AzureTableClusteringOptions> options,
    IOptions<ClusterOptions> clusterOptions,
    IOptions<GatewayOptions> gatewayOptions) : IGatewayListProvider
{
    private readonly string _clusterId = clusterOptions.Value.ClusterId;
    private TableClient? _table;

    /// <inheritdoc />
    public TimeSpan MaxStaleness => gatewayOptions.Value.GatewayListRefreshPeriod;

    /// <inheritdoc />
    public bool IsUpdatable => true;

    /// <inheritdoc />
    public Task InitializeGatewayListProvider()
    {
        _table = options.Value.CreateTableClient();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<IList<Uri>> GetGateways()
    {
        var table = _table ??= options.Value.CreateTableClient();
        var gateways = new List<Uri>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == _clusterId).ConfigureAwait(false))
        {
            if (entity.RowKey == SiloRow.VersionRowKey)
            {
                continue;
            }

            var entry = SiloRow.ToEntry(entity);
            if (entry.Status == SiloStatus.Active && entry.ProxyPort > 0)
            {
                gateways.Add(SiloAddress.New(entry.SiloAddress.Endpoint.Address, entry.ProxyPort, entry.SiloAddress.Generation).ToGatewayUri());
            }
        }

        return gateways;
    }
}
