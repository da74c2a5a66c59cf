using Confluent.Kafka;
using Confluent.Kafka.Admin;
using OrleansLog.Groups;

namespace OrleansLog.KafkaTests;

/// <summary>KIP-848 consumers (<c>group.protocol=consumer</c>, librdkafka) against the silo: the server assigns their partitions.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class ConsumerProtocolGroupTests(KafkaBrokerFixture broker)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly Action<ConsumerConfig> Kip848 = c =>
    {
        c.GroupProtocol = Confluent.Kafka.GroupProtocol.Consumer;

        // The broker owns the session and heartbeat interval in this protocol; librdkafka refuses them in the client's config.
        c.SessionTimeoutMs = null;
        c.HeartbeatIntervalMs = null;
    };

    [Fact]
    public async Task Kip848_consumers_get_their_partitions_from_the_server_and_take_over_a_closed_members_consuming_each_record_once()
    {
        var topic = KafkaClients.NewTopic("kip848");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 4);
        using var a = new KafkaGroupMember("a", broker.BootstrapServers, group, topic, Kip848);
        using var b = new KafkaGroupMember("b", broker.BootstrapServers, group, topic, Kip848);
        KafkaGroupMember[] members = [a, b];
        await KafkaGroups.WaitUntilAsync(
            () => members.All(m => m.Partitions.Count == 2) && members.SelectMany(m => m.Partitions).Distinct().Count() == 4,
            Patience,
            () => KafkaGroups.Describe(members));

        // The server's assignment, as the native admin client sees it: a consumer-protocol group, two members, two partitions each.
        var description = await broker.Log.Admin.DescribeGroupAsync(group);
        Assert.Equal(OrleansLog.Groups.GroupProtocol.Consumer, description.Protocol);
        Assert.Equal(GroupState.Stable, description.State);
        Assert.All(description.Members, m => Assert.Equal(2, m.Assignment.Length));

        // And as Kafka's admin client sees it (ConsumerGroupDescribe).
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            var described = Assert.Single((await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions);
            Assert.Equal(ConsumerGroupType.Consumer, described.GroupType);
            Assert.Equal(ConsumerGroupState.Stable, described.State);
            Assert.Equal(["a", "b"], described.Members.Select(m => m.ClientId).Order());
            Assert.All(described.Members, m => Assert.Equal(2, m.Assignment.TopicPartitions.Count));
        }

        var first = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "first", 200);
        await KafkaGroups.WaitUntilAsync(() => members.Sum(m => m.Received.Count) >= 200, Patience, () => KafkaGroups.Describe(members));
        await b.CloseAsync();
        await KafkaGroups.WaitUntilAsync(() => a.Partitions.Count == 4, Patience, () => KafkaGroups.Describe(members));
        var second = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "second", 200);
        await KafkaGroups.WaitUntilAsync(() => members.Sum(m => m.Received.Count) >= 400, Patience, () => KafkaGroups.Describe(members));
        await Task.Delay(500);

        var keys = members.SelectMany(m => m.Received).Select(r => r.Key);
        Assert.Equal(first.Concat(second).Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.DoesNotContain(a.Errors, e => e.IsFatal);
        Assert.Equal(400, (await broker.Log.Admin.FetchCommittedOffsetsAsync(group)).Sum(o => o.Offset));
    }

    [Fact]
    public async Task A_kip848_consumer_and_a_native_consumer_share_one_group()
    {
        var topic = KafkaClients.NewTopic("mixed");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 4);
        using var kafka = new KafkaGroupMember("kafka", broker.BootstrapServers, group, topic, Kip848);
        await KafkaGroups.WaitUntilAsync(() => kafka.Partitions.Count == 4, Patience, () => KafkaGroups.Describe([kafka]));

        await using var native = broker.Log.CreateConsumer(
            new Client.ConsumerOptions { GroupId = group, AutoOffsetReset = Client.AutoOffsetReset.Earliest },
            Client.Serialization.Deserializers.Utf8,
            Client.Serialization.Deserializers.Utf8);
        native.Subscribe([topic]);
        using var stop = new CancellationTokenSource();
        var nativeKeys = new List<string>();
        var consuming = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var result = await native.ConsumeAsync(TimeSpan.FromMilliseconds(200));
                if (result is not null)
                {
                    lock (nativeKeys)
                    {
                        nativeKeys.Add(result.Message.Key!);
                    }
                }
            }
        });
        await KafkaGroups.WaitUntilAsync(() => kafka.Partitions.Count == 2, Patience, () => KafkaGroups.Describe([kafka]));

        var keys = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "k", 200);
        await KafkaGroups.WaitUntilAsync(() => kafka.Received.Count + nativeKeys.Count >= 200, Patience, () => KafkaGroups.Describe([kafka]) + $"; native received {nativeKeys.Count}");
        await stop.CancelAsync();
        await consuming;

        Assert.NotEmpty(kafka.Received);
        Assert.NotEmpty(nativeKeys);
        Assert.Equal(keys.Order(StringComparer.Ordinal), kafka.Received.Select(r => r.Key).Concat(nativeKeys).Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }
}
