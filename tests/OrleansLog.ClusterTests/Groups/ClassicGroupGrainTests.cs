using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Groups;
using OrleansLog.Groups.Classic;
using OrleansLog.Testing;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.ClusterTests.Groups;

/// <summary>
/// The group grain's classic protocol (what the Kafka listener's JoinGroup and SyncGroup reach) in a cluster: one namespace and one set
/// of committed offsets with the native client and the admin tools.
/// </summary>
[Collection(GroupClusterCollection.Name)]
public sealed class ClassicGroupGrainTests(GroupClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task A_classic_groups_members_assignment_and_commits_are_what_admin_sees_and_the_group_refuses_native_members_until_empty()
    {
        var topic = LogCluster.NewTopic("classic");
        await _log.CreateTopicAsync(topic, 2);
        await GroupTestHelpers.ProduceAsync(_log, topic, 20);
        var groupId = GroupTestHelpers.NewGroup("classic");
        var group = _log.Cluster.Client.GetGrain<IConsumerGroupGrain>(groupId);

        var join = await group.JoinClassicAsync(new ClassicJoinRequest
        {
            ClientId = "kafka-client",
            ClientHost = "/10.0.0.7",
            SessionTimeout = TimeSpan.FromSeconds(30),
            RebalanceTimeout = TimeSpan.FromSeconds(30),
            ProtocolType = "consumer",
            Protocols = [new ClassicProtocol("range", ConsumerProtocol.Subscription(topic))],
        });
        Assert.Equal(ErrorCode.None, join.Error);
        Assert.Equal(join.MemberId, join.LeaderId);
        var sync = await group.SyncClassicAsync(new ClassicSyncRequest
        {
            MemberId = join.MemberId,
            Generation = join.Generation,
            Assignments = [new ClassicMemberAssignment(join.MemberId, ConsumerProtocol.Assignment((topic, [0, 1])))],
        });
        Assert.Equal(ConsumerProtocol.Assignment((topic, [0, 1])), sync.Assignment);
        await group.CommitKafkaOffsetsAsync(join.MemberId, null, join.Generation, [new CommittedOffset(topic, 0, 7, "kafka"), new CommittedOffset(topic, 1, 3)]);
        await Assert.ThrowsAsync<IllegalGenerationException>(() => group.CommitKafkaOffsetsAsync(join.MemberId, null, join.Generation - 1, [new CommittedOffset(topic, 0, 9)]));

        var described = await _log.Client.Admin.DescribeGroupAsync(groupId);
        Assert.Equal(GroupProtocol.Classic, described.Protocol);
        Assert.Equal(GroupState.Stable, described.State);
        Assert.Equal("range", described.Assignor);
        var member = Assert.Single(described.Members);
        Assert.Equal(("kafka-client", "/10.0.0.7"), (member.ClientId, member.Host));
        Assert.Equal([topic], member.Topics);
        Assert.Equal([new TopicPartition(topic, 0), new TopicPartition(topic, 1)], member.Assignment);
        Assert.Equal([(0, 7L, "kafka"), (1, 3L, (string?)null)], described.Offsets.Select(o => (o.Partition, o.Offset, o.Metadata)));

        await Assert.ThrowsAsync<InconsistentGroupProtocolException>(() => group.JoinAsync(new JoinGroupRequest { ClientId = "native", Topics = [topic] }));
        await Assert.ThrowsAsync<GroupNotEmptyException>(() => _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToEarliest(topic)));
        await Assert.ThrowsAsync<GroupSubscribedToTopicException>(() => group.DeleteOffsetsAsync([new TopicPartition(topic, 0)]));

        var left = await group.LeaveClassicAsync([new ClassicLeavingMember(join.MemberId, null)]);
        Assert.Equal(ErrorCode.None, Assert.Single(left).Error);
        Assert.Equal(GroupState.Empty, (await _log.Client.Admin.DescribeGroupAsync(groupId)).State);

        // Empty now: the admin tools reset its offsets, and a native consumer resumes from them in the same group.
        await _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToOffset(topic, 5));
        await group.DeleteOffsetsAsync([new TopicPartition(topic, 1)]);
        Assert.Equal([(0, 5L)], (await _log.Client.Admin.FetchCommittedOffsetsAsync(groupId, topic)).Select(o => (o.Partition, o.Offset)));
        await using var consumer = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = groupId, AutoOffsetReset = AutoOffsetReset.Earliest });
        consumer.Subscribe([topic]);
        var records = await consumer.ConsumeAsync(15, TimeSpan.FromSeconds(60));
        Assert.Equal(15, records.Count);
        Assert.Equal(5, records.Where(r => r.Partition == 0).Min(r => r.Offset));
        Assert.Equal(GroupProtocol.Consumer, (await _log.Client.Admin.DescribeGroupAsync(groupId)).Protocol);
    }
}
