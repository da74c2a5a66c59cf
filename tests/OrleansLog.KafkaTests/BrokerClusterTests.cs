using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using OrleansLog.Kafka.Protocol;
using Xunit.Abstractions;

namespace OrleansLog.KafkaTests;

/// <summary>Two silo processes in one cluster (Azure Table membership on the test Azurite): every active silo is a broker.</summary>
[Collection(BrokerClusterCollection.Name)]
public sealed class BrokerClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Either_silo_lists_every_active_silo_as_a_broker_with_the_partition_hosts_as_leaders_until_one_stops()
    {
        var azurite = await TestAzurite.GetAsync();
        var settings = new Dictionary<string, string>
        {
            ["OrleansLog__Storage__ConnectionString"] = azurite.ConnectionString,
            ["OrleansLog__Storage__ContainerName"] = TestAzurite.NewContainerName("kafkabrokers"),
            ["OrleansLog__Clustering__Provider"] = "AzureTable",
            ["OrleansLog__Clustering__TableName"] = "kafkabrokers" + Guid.NewGuid().ToString("N")[..12],
            ["Orleans__ClusterMembership__ProbeTimeout"] = "00:00:01",
            ["Orleans__ClusterMembership__NumMissedProbesLimit"] = "2",
            ["Orleans__ClusterMembership__IAmAliveTablePublishTimeout"] = "00:00:05",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        await using var first = SiloProcess.Start(settings);
        await first.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        // The second listens as the container image does, on every interface, and so advertises the silo's own address.
        await using var second = SiloProcess.Start(new Dictionary<string, string>(settings) { ["OrleansLog__Kafka__ListenAddress"] = "0.0.0.0" });
        await second.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        SiloProcess[] silos = [first, second];

        // Both brokers with their own ports, from either silo, as librdkafka and KafkaJS see them; each silo names itself controller.
        var nodeIds = new Dictionary<int, int>();
        foreach (var silo in silos)
        {
            var metadata = await WaitForMetadataAsync(silo, null, m => m.Brokers.Count == 2);
            Assert.Equal(silos.Select(s => s.KafkaPort).Order(), metadata.Brokers.Select(b => b.Port).Order());
            Assert.All(metadata.Brokers, b => Assert.Equal("127.0.0.1", b.Host));

            var answer = await WireMetadataAsync(silo, null);
            Assert.Equal(metadata.Brokers.Select(b => (b.BrokerId, b.Port)).Order(), answer.Brokers.Select(b => (b.NodeId, b.Port)).Order());
            Assert.Equal(silo.KafkaPort, answer.Brokers.Single(b => b.NodeId == answer.ControllerId).Port);
            foreach (var listed in answer.Brokers)
            {
                // A silo's node id is the same whichever silo answers.
                Assert.Equal(listed.NodeId, nodeIds.TryAdd(listed.Port, listed.NodeId) ? listed.NodeId : nodeIds[listed.Port]);
            }

            // DescribeCluster (what Kafka's admin tools show) lists the same brokers, with the answering one as controller.
            var described = await KafkaWire.SendOnceAsync<DescribeClusterResponse>(silo.KafkaPort, KafkaApiKey.DescribeCluster, 1, new DescribeClusterRequest { EndpointType = 1 });
            Assert.Equal(answer.Brokers.Select(b => (b.NodeId, b.Host, b.Port)).Order(), described.Brokers.Select(b => (b.BrokerId, b.Host, b.Port)).Order());
            Assert.Equal(answer.ControllerId, described.ControllerId);

            var cluster = await KafkaJs.RunAsync("metadata", $"127.0.0.1:{silo.KafkaPort}");
            Assert.Equal(nodeIds.Values.Order(), cluster.GetProperty("brokers").EnumerateArray().Select(b => b.GetProperty("nodeId").GetInt32()).Order());
            Assert.Contains(cluster.GetProperty("controller").GetInt32(), nodeIds.Values);
        }

        // Partitions, activated by a record each, are led by the broker of the silo that hosts them.
        using var client = await SiloProcess.ConnectAsync(first.GatewayPort);
        var log = client.Services.GetRequiredService<OrleansLog.Client.OrleansLogClient>();
        var grains = client.Services.GetRequiredService<IGrainFactory>();
        const int Partitions = 6;
        var topic = "brokers-" + Guid.NewGuid().ToString("N")[..8];
        var description = await log.Admin.CreateTopicAsync(topic, Partitions);
        await using (var producer = log.CreateProducer<string, string>())
        {
            for (var p = 0; p < Partitions; p++)
            {
                await producer.ProduceAsync(new OrleansLog.TopicPartition(topic, p), new OrleansLog.Client.Message<string, string> { Value = "activate" });
            }
        }

        var hostPorts = new int[Partitions];
        for (var p = 0; p < Partitions; p++)
        {
            var host = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grains.GetPartition(topic, description.TopicId, p));
            Assert.NotNull(host);
            hostPorts[p] = silos.Single(s => s.SiloPort == host.Endpoint.Port).KafkaPort;
        }

        output.WriteLine($"partitions 0-{Partitions - 1} are hosted by the silos with Kafka ports {string.Join(", ", hostPorts)}");
        var expectedLeaders = hostPorts.Select(port => nodeIds[port]).ToList();
        foreach (var silo in silos)
        {
            var answer = await WaitForWireMetadataAsync(silo, topic, m => WireLeaders(m).SequenceEqual(expectedLeaders));
            Assert.Equal(expectedLeaders, WireLeaders(answer));
        }

        Assert.Equal(expectedLeaders, Leaders(await WaitForMetadataAsync(first, topic, m => Leaders(m).SequenceEqual(expectedLeaders))));

        // The second silo stops: the first lists only itself, leads every partition, and keeps its node id.
        Assert.Equal(0, await second.StopAsync(TimeSpan.FromSeconds(60)));
        var alone = await WaitForWireMetadataAsync(first, topic, m => m.Brokers.Count == 1);
        var remaining = Assert.Single(alone.Brokers);
        Assert.Equal((first.KafkaPort, nodeIds[first.KafkaPort], remaining.NodeId), (remaining.Port, remaining.NodeId, alone.ControllerId));
        Assert.All(WireLeaders(alone), leader => Assert.Equal(remaining.NodeId, leader));
        var confluent = await WaitForMetadataAsync(first, topic, m => m.Brokers.Count == 1);
        Assert.Equal((remaining.NodeId, first.KafkaPort), (Assert.Single(confluent.Brokers).BrokerId, confluent.Brokers[0].Port));
        var kafkajs = await KafkaJs.RunAsync("metadata", $"127.0.0.1:{first.KafkaPort}");
        Assert.Equal([remaining.NodeId], kafkajs.GetProperty("brokers").EnumerateArray().Select(b => b.GetProperty("nodeId").GetInt32()));
        Assert.Equal(remaining.NodeId, kafkajs.GetProperty("controller").GetInt32());
    }

    private static List<int> WireLeaders(MetadataResponse metadata) =>
        [.. Assert.Single(metadata.Topics).Partitions.OrderBy(p => p.PartitionIndex).Select(p => p.LeaderId)];

    private static Task<MetadataResponse> WireMetadataAsync(SiloProcess silo, string? topic) =>
        KafkaWire.SendOnceAsync<MetadataResponse>(
            silo.KafkaPort,
            KafkaApiKey.Metadata,
            12,
            new MetadataRequest { Topics = topic is null ? null : [new() { Name = topic }], AllowAutoTopicCreation = false });

    private async Task<MetadataResponse> WaitForWireMetadataAsync(SiloProcess silo, string topic, Func<MetadataResponse, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var metadata = await WireMetadataAsync(silo, topic);
            if (done(metadata) || DateTime.UtcNow > deadline)
            {
                output.WriteLine($"silo with Kafka port {silo.KafkaPort} (raw Metadata v12): brokers {string.Join(", ", metadata.Brokers.Select(b => $"{b.NodeId}@{b.Port}"))}, " +
                    $"controller {metadata.ControllerId}, leaders {string.Join(", ", WireLeaders(metadata))}");
                return metadata;
            }

            await Task.Delay(500);
        }
    }

    private static List<int> Leaders(Metadata metadata) =>
        [.. Assert.Single(metadata.Topics).Partitions.OrderBy(p => p.PartitionId).Select(p => p.Leader)];

    // A new client for every try, so that nothing is cached (librdkafka may still send the request to another broker it learned).
    private async Task<Metadata> WaitForMetadataAsync(SiloProcess silo, string? topic, Func<Metadata, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = $"127.0.0.1:{silo.KafkaPort}" }).Build();
            var metadata = topic is null ? admin.GetMetadata(TimeSpan.FromSeconds(20)) : admin.GetMetadata(topic, TimeSpan.FromSeconds(20));
            if (done(metadata) || DateTime.UtcNow > deadline)
            {
                output.WriteLine($"bootstrap {silo.KafkaPort} (librdkafka): brokers {string.Join(", ", metadata.Brokers.Select(b => $"{b.BrokerId}@{b.Port}"))}" +
                    (topic is null ? "" : $", leaders {string.Join(", ", Leaders(metadata))}"));
                return metadata;
            }

            await Task.Delay(500);
        }
    }
}

/// <summary>The two-silo tests run alone: three silo processes at once would crowd a small machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerClusterCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Kafka broker cluster";
}
