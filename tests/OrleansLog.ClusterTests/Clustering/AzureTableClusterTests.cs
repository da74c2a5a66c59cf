using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.TestingHost;
using OrleansLog.Clustering;
using OrleansLog.Clustering.Hosting;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace OrleansLog.ClusterTests.Clustering;

/// <summary>A real two-silo cluster whose silos and client meet only through the Azure Table membership table.</summary>
public sealed class AzureTableClusterTests(AzureTableFixture fixture) : IClassFixture<AzureTableFixture>
{
    [Fact]
    public async Task Silos_join_through_the_table_and_a_stopped_silo_is_marked_dead_while_the_other_keeps_serving()
    {
        var builder = new InProcessTestClusterBuilder(2);
        UseRealMembership(builder.Options);
        builder.ConfigureSilo((_, silo) => silo.UseAzureTableClustering(Configure));
        builder.ConfigureClient(client => client.UseAzureTableClustering(Configure));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = timeout.Token;
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var clusterId = cluster.Options.ClusterId;
        // The provider instances the first silo and the client run on (Orleans' own Azure Table clustering), read directly.
        var table = cluster.Silos[0].SiloHost.Services.GetRequiredService<IMembershipTable>();
        var gatewayList = cluster.Client.ServiceProvider.GetRequiredService<IGatewayListProvider>();
        await table.InitializeMembershipTableAsync(false, ct);
        await gatewayList.InitializeGatewayListProviderAsync(ct);
        try
        {
            var survivor = cluster.Silos[0];
            var stopped = cluster.Silos[1];

            // Both silos registered themselves as active, with the gateway ports clients use.
            var joined = await table.ReadAllAsync(ct);
            Assert.Equal(Addresses(cluster.Silos.Select(s => s.SiloAddress)), Addresses(joined.Members.Where(m => m.Item1.Status == SiloStatus.Active).Select(m => m.Item1.SiloAddress)));
            Assert.Equal(
                cluster.Silos.Select(s => s.GatewayAddress!.Endpoint.Port).Order(),
                joined.Members.Select(m => m.Item1.ProxyPort).Order());
            Assert.Equal(Addresses(cluster.Silos.Select(s => s.GatewayAddress!)), Gateways(await gatewayList.GetGatewaysAsync(ct)));

            // Random placement spreads 40 grains over both silos; each activation counts its calls.
            var grains = Enumerable.Range(0, 40).Select(i => cluster.Client.GetGrain<IClusteringTestGrain>(i)).ToArray();
            var before = await Task.WhenAll(grains.Select(g => g.CallAsync()));
            Assert.All(before, call => Assert.Equal(1, call.Count));
            Assert.Contains(before, call => call.Silo.Equals(survivor.SiloAddress));
            Assert.Contains(before, call => call.Silo.Equals(stopped.SiloAddress));

            await cluster.StopSiloAsync(stopped);

            var left = await table.ReadAllAsync(ct);
            Assert.Equal(SiloStatus.Dead, left.TryGet(stopped.SiloAddress)?.Item1.Status);
            Assert.Equal(SiloStatus.Active, left.TryGet(survivor.SiloAddress)?.Item1.Status);
            Assert.True(left.Version.Version > joined.Version.Version, "the silo's departure went through a versioned update");
            Assert.Equal(Addresses([survivor.GatewayAddress!]), Gateways(await gatewayList.GetGatewaysAsync(ct)));

            // Every grain still answers, from the survivor; those that lived on the stopped silo are new activations. (Orleans
            // may also move survivor activations whose directory entries lived on the stopped silo, so their count may restart.)
            var after = await Task.WhenAll(grains.Select(g => g.CallAsync()));
            Assert.All(after, call => Assert.Equal(survivor.SiloAddress, call.Silo));
            Assert.All(after, call => Assert.InRange(call.Count, 1, 2));
            Assert.All(Enumerable.Range(0, grains.Length).Where(i => before[i].Silo.Equals(stopped.SiloAddress)), i => Assert.Equal(1, after[i].Count));

            // And the one-silo cluster is stable: the same activations serve the next round.
            var again = await Task.WhenAll(grains.Select(g => g.CallAsync()));
            Assert.Equal(after.Select(call => call.Count + 1), again.Select(call => call.Count));
            Assert.All(again, call => Assert.Equal(survivor.SiloAddress, call.Silo));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await table.DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);
        }
    }

    // InProcessTestClusterOptions.UseTestClusterMembership is internal in Orleans 10; while it is true the test cluster
    // registers its in-memory membership table and gateway list after ours, and they win.
    private static void UseRealMembership(InProcessTestClusterOptions options)
    {
        var property = typeof(InProcessTestClusterOptions).GetProperty("UseTestClusterMembership", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Assert.True(property is not null, "InProcessTestClusterOptions.UseTestClusterMembership is gone: find the new way to turn off the test cluster's membership");
        property.SetValue(options, false);
    }

    private static string[] Addresses(IEnumerable<SiloAddress> silos) => [.. silos.Select(s => s.Endpoint.ToString()).Order(StringComparer.Ordinal)];

    // A gateway URI carries the silo's generation, which a silo's own gateway address leaves at 0: compare endpoints.
    private static string[] Gateways(IEnumerable<Uri> gateways) => [.. gateways.Select(g => $"{g.Host}:{g.Port}").Order(StringComparer.Ordinal)];

    private void Configure(AzureTableClusteringOptions options)
    {
        options.ConnectionString = fixture.ConnectionString;
        options.TableName = fixture.TableName;
    }
}
