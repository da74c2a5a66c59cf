using Confluent.Kafka;

namespace OrleansLog.KafkaTests;

/// <summary>Confluent.Kafka (librdkafka) consumers in groups against the silo: the classic protocol, commits and offset resets.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class GroupConsumerTests(KafkaBrokerFixture broker)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Three_consumers_share_six_partitions_and_take_over_a_closed_members_partitions_consuming_each_record_once()
    {
        var topic = KafkaClients.NewTopic("group");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 6);
        using var a = new KafkaGroupMember("a", broker.BootstrapServers, group, topic);
        using var b = new KafkaGroupMember("b", broker.BootstrapServers, group, topic);
        using var c = new KafkaGroupMember("c", broker.BootstrapServers, group, topic);
        KafkaGroupMember[] members = [a, b, c];
        await KafkaGroups.WaitUntilAsync(
            () => members.All(m => m.Partitions.Count == 2) && members.SelectMany(m => m.Partitions).Distinct().Count() == 6,
            Patience,
            () => KafkaGroups.Describe(members));

        var first = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "first", 300);
        await KafkaGroups.WaitUntilAsync(() => members.Sum(m => m.Received.Count) >= 300, Patience, () => KafkaGroups.Describe(members));

        await c.CloseAsync();
        KafkaGroupMember[] remaining = [a, b];
        await KafkaGroups.WaitUntilAsync(
            () => remaining.All(m => m.Partitions.Count == 3) && remaining.SelectMany(m => m.Partitions).Distinct().Count() == 6,
            Patience,
            () => KafkaGroups.Describe(remaining));

        var second = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "second", 300);
        await KafkaGroups.WaitUntilAsync(() => members.Sum(m => m.Received.Count) >= 600, Patience, () => KafkaGroups.Describe(members));
        await Task.Delay(500);

        var received = members.SelectMany(m => m.Received).ToList();
        Assert.Equal(first.Concat(second).Order(StringComparer.Ordinal), received.Select(r => r.Key).Order(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.Equal(600, received.Select(r => (r.Partition, r.Offset)).Distinct().Count());
        Assert.All(members, m => Assert.Contains(m.Received, r => r.Key.StartsWith("first", StringComparison.Ordinal)));
        Assert.DoesNotContain(c.Received, r => r.Key.StartsWith("second", StringComparison.Ordinal));

        // Every record's offset is committed: the group's lag is zero in the native admin view.
        var description = await broker.Log.Admin.DescribeGroupAsync(group);
        Assert.Equal(OrleansLog.Groups.GroupProtocol.Classic, description.Protocol);
        Assert.Equal(2, description.Members.Length);
        Assert.Equal(600, description.Offsets.Sum(o => o.Offset));
    }
}
