using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Configuration;
using Orleans.Messaging;
using OrleansLog.Clustering;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace OrleansLog.ClusterTests.Clustering;

/// <summary>The membership table conformance tests against <see cref="AzureTableMembershipTable"/> on Azurite, plus what is particular to Azure Tables.</summary>
public sealed class AzureTableMembershipTableTests(AzureTableFixture fixture) : MembershipTableConformanceTests, IClassFixture<AzureTableFixture>
{
    /// <inheritdoc />
    protected override IMembershipTable CreateMembershipTable(string clusterId) =>
        new AzureTableMembershipTable(MsOptions.Create(fixture.Options), ClusterOptions(clusterId), NullLogger<AzureTableMembershipTable>.Instance);

    /// <inheritdoc />
    protected override IGatewayListProvider CreateGatewayListProvider(string clusterId) =>
        new AzureTableGatewayListProvider(MsOptions.Create(fixture.Options), ClusterOptions(clusterId), MsOptions.Create(new GatewayOptions()), NullLogger<AzureTableGatewayListProvider>.Instance);

    [Fact]
    public async Task A_gateway_list_provider_on_a_table_that_does_not_exist_returns_no_gateways()
    {
        var options = fixture.Options;
        options.TableName = "missing" + Guid.NewGuid().ToString("N");
        var provider = new AzureTableGatewayListProvider(MsOptions.Create(options), ClusterOptions(ClusterId), MsOptions.Create(new GatewayOptions()), NullLogger<AzureTableGatewayListProvider>.Instance);
        await provider.InitializeGatewayListProviderAsync(Ct);

        Assert.Empty(await provider.GetGatewaysAsync(Ct));
    }

    [Fact]
    public async Task The_table_version_row_and_silo_rows_share_the_cluster_partition()
    {
        var entry = NewEntry(status: SiloStatus.Active);
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));

        var table = fixture.Options.CreateTableServiceClient().GetTableClient(fixture.TableName);
        var rows = new Dictionary<string, Azure.Data.Tables.TableEntity>();
        await foreach (var row in table.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {ClusterId}")))
        {
            rows.Add(row.RowKey, row);
        }

        Assert.Equal(new[] { "VersionRow", entry.SiloAddress.ToParsableString() }.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, rows["VersionRow"].GetInt32("MembershipVersion"));
        var silo = rows[entry.SiloAddress.ToParsableString()];
        Assert.Equal("Active", silo.GetString("Status"));
        Assert.Equal("127.0.0.1", silo.GetString("Address"));
        Assert.Equal(entry.SiloAddress.Endpoint.Port, silo.GetInt32("Port"));
        Assert.Equal(entry.SiloAddress.Generation, silo.GetInt32("Generation"));
        Assert.Equal(entry.ProxyPort, silo.GetInt32("ProxyPort"));
        Assert.Equal(entry.IAmAliveTime, silo.GetDateTimeOffset("IAmAliveTime")?.UtcDateTime);
    }

    private static Microsoft.Extensions.Options.IOptions<ClusterOptions> ClusterOptions(string clusterId) =>
        MsOptions.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "membership-tests" });
}
