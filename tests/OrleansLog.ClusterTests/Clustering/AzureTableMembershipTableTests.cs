using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Messaging;
using OrleansLog.Clustering;
using OrleansLog.Clustering.Hosting;

namespace OrleansLog.ClusterTests.Clustering;

/// <summary>
/// The membership table conformance tests against Orleans' Azure Table provider on Azurite, configured the way OrleansLog's silos
/// and clients configure it (<see cref="AzureTableClusteringExtensions.UseAzureTableClustering(ISiloBuilder, Action{AzureTableClusteringOptions})"/>).
/// </summary>
public sealed class AzureTableMembershipTableTests(AzureTableFixture fixture) : MembershipTableConformanceTests, IClassFixture<AzureTableFixture>
{
    private readonly List<IHost> _hosts = [];

    /// <inheritdoc />
    protected override IMembershipTable CreateMembershipTable(string clusterId)
    {
        // The host is built, never started: the provider comes from the same registrations a silo uses.
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "membership-tests"))
            .UseAzureTableClustering(Configure));
        return Build(builder).Services.GetRequiredService<IMembershipTable>();
    }

    /// <inheritdoc />
    protected override IGatewayListProvider CreateGatewayListProvider(string clusterId) => CreateGatewayListProvider(clusterId, fixture.TableName);

    [Fact]
    public async Task A_gateway_list_provider_on_a_table_that_does_not_exist_returns_no_gateways()
    {
        var provider = CreateGatewayListProvider(ClusterId, "missing" + Guid.NewGuid().ToString("N"));
        await provider.InitializeGatewayListProviderAsync(Ct);

        Assert.Empty(await provider.GetGatewaysAsync(Ct));
    }

    /// <inheritdoc />
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var host in _hosts)
        {
            host.Dispose();
        }
    }

    private IGatewayListProvider CreateGatewayListProvider(string clusterId, string tableName)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleansClient(client => client
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, "membership-tests"))
            .UseAzureTableClustering(o =>
            {
                Configure(o);
                o.TableName = tableName;
            }));
        return Build(builder).Services.GetRequiredService<IGatewayListProvider>();
    }

    private void Configure(AzureTableClusteringOptions options)
    {
        options.ConnectionString = fixture.ConnectionString;
        options.TableName = fixture.TableName;
    }

    private IHost Build(HostApplicationBuilder builder)
    {
        var host = builder.Build();
        _hosts.Add(host);
        return host;
    }
}
