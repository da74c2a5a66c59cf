using System.Buffers.Binary;
using System.Net.Sockets;
using Confluent.Kafka;
using OrleansLog.Testing;
using OrleansLog.Kafka.Protocol;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace OrleansLog.KafkaTests;

/// <summary>The listener itself: bootstrap and metadata with a real client, and bad bytes on one connection.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class ListenerTests(KafkaBrokerFixture broker)
{
    [Fact]
    public async Task A_kafka_admin_client_sees_one_broker_as_controller_and_an_existing_topics_partitions()
    {
        var topic = "listener-" + Guid.NewGuid().ToString("N")[..8];
        await broker.Log.Admin.CreateTopicAsync(topic, 3);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(20));

        var only = Assert.Single(metadata.Brokers);
        Assert.Equal(("127.0.0.1", broker.Silo.KafkaPort), (only.Host, only.Port));
        var described = Assert.Single(metadata.Topics);
        Assert.Equal(ErrorCode.NoError, described.Error.Code);
        Assert.Equal([0, 1, 2], described.Partitions.Select(p => p.PartitionId).Order());
        Assert.All(described.Partitions, p => Assert.Equal(only.BrokerId, p.Leader));

        // librdkafka does not show the controller (and reports the answering broker as -1 when its bootstrap connection answered).
        var answer = await KafkaWire.SendOnceAsync<MetadataResponse>(broker.Silo.KafkaPort, KafkaApiKey.Metadata, 1, new MetadataRequest { Topics = [] });
        Assert.Equal((only.BrokerId, only.BrokerId), (Assert.Single(answer.Brokers).NodeId, answer.ControllerId));
    }

    [Fact]
    public async Task Metadata_for_an_unknown_topic_creates_it_with_one_partition()
    {
        var topic = "auto-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers, AllowAutoCreateTopics = true }).Build();

        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(20));

        Assert.Equal(ErrorCode.NoError, Assert.Single(metadata.Topics).Error.Code);
        Assert.Equal(1, (await broker.Log.Admin.DescribeTopicAsync(topic)).PartitionCount);
    }

    [Fact]
    public async Task Garbage_on_one_connection_closes_it_while_another_client_keeps_working()
    {
        using var garbage = new TcpClient();
        await garbage.ConnectAsync("127.0.0.1", broker.Silo.KafkaPort);
        var stream = garbage.GetStream();
        var frame = new byte[20];
        BinaryPrimitives.WriteInt32BigEndian(frame, 16);
        "not a kafka request"u8[..16].CopyTo(frame.AsSpan(4));
        await stream.WriteAsync(frame);

        // The broker closes the connection: the read ends with 0 bytes (or a reset), never with a response.
        var buffer = new byte[64];
        int read;
        try
        {
            read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (IOException)
        {
            read = 0;
        }

        Assert.Equal(0, read);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        Assert.NotEmpty(admin.GetMetadata(TimeSpan.FromSeconds(20)).Brokers);
        Assert.Contains("malformed request", broker.Silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_size_prefix_over_the_limit_closes_the_connection()
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", broker.Silo.KafkaPort);
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(prefix, 200 * 1024 * 1024);
        await client.GetStream().WriteAsync(prefix);

        var read = await client.GetStream().ReadAsync(new byte[8]).AsTask().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(0, read);
    }

    [Fact]
    public async Task A_silo_whose_kafka_port_is_taken_exits_naming_the_setting_that_moves_it()
    {
        using var taken = new TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var azurite = await TestAzurite.GetAsync();

        var (exitCode, _, error) = await SiloProcess.RunCommandAsync(new Dictionary<string, string>
        {
            ["OrleansLog__Storage__ConnectionString"] = azurite.ConnectionString,
            ["OrleansLog__Storage__ContainerName"] = TestAzurite.NewContainerName("kafka-port"),
            ["OrleansLog__Silo__SiloPort"] = TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OrleansLog__Silo__GatewayPort"] = TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OrleansLog__Silo__HealthPort"] = TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OrleansLog__Kafka__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Equal(1, exitCode);
        Assert.Contains($"127.0.0.1:{port}: address already in use", error, StringComparison.Ordinal);
        Assert.Contains("OrleansLog:Kafka:Port", error, StringComparison.Ordinal);
    }
}
