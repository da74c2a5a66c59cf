using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ErrorCode = Confluent.Kafka.ErrorCode;

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

    [Fact]
    public async Task A_new_member_resumes_at_the_groups_commit_and_auto_offset_reset_latest_reads_only_new_records()
    {
        var topic = KafkaClients.NewTopic("resume");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        var old = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "old", 100);
        using (var first = new KafkaGroupMember("first", broker.BootstrapServers, group, topic))
        {
            await KafkaGroups.WaitUntilAsync(() => first.Received.Count >= 100, Patience, () => KafkaGroups.Describe([first]));
            await first.CloseAsync();
            Assert.Equal(old.Order(StringComparer.Ordinal), first.Received.Select(r => r.Key).Order(StringComparer.Ordinal), StringComparer.Ordinal);
        }

        var fresh = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "new", 50);
        using (var second = new KafkaGroupMember("second", broker.BootstrapServers, group, topic))
        {
            await KafkaGroups.WaitUntilAsync(() => second.Received.Count >= 50, Patience, () => KafkaGroups.Describe([second]));
            await Task.Delay(1000);
            await second.CloseAsync();
            Assert.Equal(fresh.Order(StringComparer.Ordinal), second.Received.Select(r => r.Key).Order(StringComparer.Ordinal), StringComparer.Ordinal);
        }

        using var latest = new KafkaGroupMember("latest", broker.BootstrapServers, KafkaClients.NewTopic("g"), topic, c => c.AutoOffsetReset = AutoOffsetReset.Latest);
        await KafkaGroups.WaitUntilAsync(() => latest.Partitions.Count == 2, Patience, () => KafkaGroups.Describe([latest]));
        await Task.Delay(2000);
        var late = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "late", 20);
        await KafkaGroups.WaitUntilAsync(() => latest.Received.Count >= 20, Patience, () => KafkaGroups.Describe([latest]));
        Assert.Equal(late.Order(StringComparer.Ordinal), latest.Received.Select(r => r.Key).Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    [Fact]
    public async Task Kafka_admin_clients_and_orleanslog_groups_see_and_change_the_same_group_and_offsets()
    {
        var topic = KafkaClients.NewTopic("admin");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 3);
        var keys = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "r", 90);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        using (var member = new KafkaGroupMember("member", broker.BootstrapServers, group, topic))
        {
            await KafkaGroups.WaitUntilAsync(() => member.Received.Count >= 90, Patience, () => KafkaGroups.Describe([member]));

            var listed = await admin.ListConsumerGroupsAsync();
            var listing = Assert.Single(listed.Valid, g => g.GroupId == group);
            Assert.Equal(ConsumerGroupState.Stable, listing.State);
            Assert.Equal(ConsumerGroupType.Classic, listing.Type);

            var described = Assert.Single((await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions);
            Assert.Equal(ConsumerGroupState.Stable, described.State);
            Assert.Equal("range", described.PartitionAssignor);
            var only = Assert.Single(described.Members);
            Assert.Equal("member", only.ClientId);
            Assert.Equal([0, 1, 2], only.Assignment.TopicPartitions.Select(p => p.Partition.Value).Order());

            // A group with members may not be deleted.
            var refused = await Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync([group]));
            Assert.Equal(ErrorCode.NonEmptyGroup, refused.Results.Single().Error.Code);
            await member.CloseAsync();
        }

        var committed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, null)]);
        Assert.Equal(90, committed.Single().Partitions.Sum(p => p.Offset.Value));

        // orleanslog groups describe shows the Kafka client's group with no lag; more records show as lag.
        await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "more", 30);
        var describe = await CliRunner.RunAsync(broker, "groups", "describe", group);
        Assert.True(describe.ExitCode == 0, describe.Error);
        Assert.Contains("Protocol: classic", describe.Output, StringComparison.Ordinal);
        var lag = describe.Output.Split('\n').Where(l => l.StartsWith(topic, StringComparison.Ordinal)).Sum(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(30, lag);

        // Reset to the earliest offsets with the orleanslog tool: the next member re-reads everything.
        var reset = await CliRunner.RunAsync(broker, "groups", "reset-offsets", group, "--topic", topic, "--to-earliest", "--execute");
        Assert.True(reset.ExitCode == 0, reset.Error);
        using (var again = new KafkaGroupMember("again", broker.BootstrapServers, group, topic))
        {
            await KafkaGroups.WaitUntilAsync(() => again.Received.Count >= 120, Patience, () => KafkaGroups.Describe([again]));
            await again.CloseAsync();
            Assert.Equal(120, again.Received.Select(r => r.Key).Distinct().Count());
            Assert.Superset(keys.ToHashSet(), again.Received.Select(r => r.Key).ToHashSet());
        }

        // A Kafka admin client moves the offsets back (OffsetCommit from outside the group) and deletes one partition's offset.
        await admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets(group, [new TopicPartitionOffset(topic, 0, 5)])]);
        await admin.DeleteConsumerGroupOffsetsAsync(group, [new Confluent.Kafka.TopicPartition(topic, 1)]);
        var offsets = (await broker.Log.Admin.FetchCommittedOffsetsAsync(group)).ToDictionary(o => o.Partition, o => o.Offset);
        Assert.Equal(5, offsets[0]);
        Assert.False(offsets.ContainsKey(1));
        Assert.True(offsets[2] > 0);

        await admin.DeleteGroupsAsync([group]);
        Assert.DoesNotContain((await admin.ListConsumerGroupsAsync()).Valid, g => g.GroupId == group);
        Assert.Empty(await broker.Log.Admin.FetchCommittedOffsetsAsync(group));
    }
}
