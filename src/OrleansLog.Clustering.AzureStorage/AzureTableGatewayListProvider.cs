using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace OrleansLog.Clustering;

/// <summary>Tells Orleans clients where a cluster's gateways are: the proxy endpoints of the active silos in the Azure Table membership table.</summary>
/// <remarks>The client only reads the table, so it needs no right to create it; a table that does not exist yet has no gateways.</remarks>
public sealed partial class AzureTableGatewayListProvider : IGatewayListProvider
{
    private readonly AzureTableClusteringOptions _options;
    private readonly string _clusterId;
    private readonly ILogger<AzureTableGatewayListProvider> _logger;
    private readonly Lazy<TableClient> _table;

    /// <summary>Creates the provider for the cluster in <paramref name="clusterOptions"/>, refreshed as often as <paramref name="gatewayOptions"/> says.</summary>
    public AzureTableGatewayListProvider(
        IOptions<AzureTableClusteringOptions> options,
        IOptions<ClusterOptions> clusterOptions,
        IOptions<GatewayOptions> gatewayOptions,
        ILogger<AzureTableGatewayListProvider> logger)
    {
        _options = options.Value;
        _clusterId = clusterOptions.Value.ClusterId;
        _logger = logger;
        MaxStaleness = gatewayOptions.Value.GatewayListRefreshPeriod;
        _table = new Lazy<TableClient>(() => _options.CreateTableServiceClient().GetTableClient(_options.TableName));
    }

    /// <inheritdoc />
    public TimeSpan MaxStaleness { get; }

    /// <inheritdoc />
    public bool IsUpdatable => true;

    /// <inheritdoc />
    public Task InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);

    /// <inheritdoc />
    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken)
    {
        _ = _table.Value;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);

    /// <inheritdoc />
    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken)
    {
        const string Active = nameof(SiloStatus.Active);
        const int NoGateway = 0;
        var gateways = new List<Uri>();
        var query = _table.Value.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {_clusterId} and Status eq {Active} and ProxyPort gt {NoGateway}"),
            select: [MembershipRows.Address, MembershipRows.ProxyPort, MembershipRows.Generation],
            cancellationToken: cancellationToken);
        try
        {
            await foreach (var entity in query.ConfigureAwait(false))
            {
                var address = IPAddress.Parse(entity.GetString(MembershipRows.Address) ?? throw new FormatException($"Membership row '{entity.RowKey}' has no Address."));
                var gateway = SiloAddress.New(address, entity.GetInt32(MembershipRows.ProxyPort) ?? 0, entity.GetInt32(MembershipRows.Generation) ?? 0);
                gateways.Add(gateway.ToGatewayUri());
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            LogNoTable(_options.TableName, _clusterId);
            return gateways;
        }

        LogFoundGateways(gateways.Count, _clusterId);
        return gateways;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Membership table {Table} does not exist yet, so cluster {ClusterId} has no gateways; start a silo first")]
    private partial void LogNoTable(string table, string clusterId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Found {Count} gateways of cluster {ClusterId}")]
    private partial void LogFoundGateways(int count, string clusterId);
}
