using OrleansLog.Client;
using OrleansLog.Groups;
using OrleansLog.Kafka.Protocol;
using JoinGroupRequest = OrleansLog.Kafka.Protocol.JoinGroupRequest;

namespace OrleansLog.KafkaTests;

/// <summary>The group APIs on the wire, for what no client library sends on purpose: fenced commits, bad input and handshakes.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class GroupWireTests(KafkaBrokerFixture broker)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Commits_from_an_unknown_member_a_stale_generation_or_outside_a_busy_group_are_refused_with_kafkas_errors()
    {
        var topic = KafkaClients.NewTopic("fence");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var member = new KafkaGroupMember("member", broker.BootstrapServers, group, topic);
        await KafkaGroups.WaitUntilAsync(() => member.Partitions.Count == 1, Patience, () => KafkaGroups.Describe([member]));
        var description = await broker.Log.Admin.DescribeGroupAsync(group);
        var memberId = Assert.Single(description.Members).MemberId;
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        Assert.Equal(KafkaErrorCode.UnknownMemberId, await CommitAsync(wire, group, "someone-else", description.Generation, topic, 0, 7));
        Assert.Equal(KafkaErrorCode.IllegalGeneration, await CommitAsync(wire, group, memberId, description.Generation - 1, topic, 0, 7));
        Assert.Equal(KafkaErrorCode.UnknownMemberId, await CommitAsync(wire, group, "", -1, topic, 0, 7));
        Assert.Equal(KafkaErrorCode.None, await CommitAsync(wire, group, memberId, description.Generation, topic, 0, 7));

        // Only the member's own commit landed.
        Assert.Equal(7, Assert.Single(await broker.Log.Admin.FetchCommittedOffsetsAsync(group)).Offset);
    }

    [Fact]
    public async Task Bad_group_requests_get_a_clear_error_for_exactly_the_part_that_was_wrong()
    {
        var topic = KafkaClients.NewTopic("bad");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        // An empty group id; a transaction coordinator, which is not served.
        var invalid = await wire.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { KeyType = 0, CoordinatorKeys = ["", group] }, 4);
        Assert.Equal([(short)KafkaErrorCode.InvalidGroupId, (short)KafkaErrorCode.None], invalid.Coordinators.Select(c => c.ErrorCode));
        Assert.Equal(broker.Silo.KafkaPort, invalid.Coordinators[1].Port);
        var transactions = await wire.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = "tx", KeyType = 1 }, 3);
        Assert.Equal((short)KafkaErrorCode.CoordinatorNotAvailable, transactions.ErrorCode);
        Assert.Contains("Transactions", transactions.ErrorMessage, StringComparison.Ordinal);
        var badJoin = await wire.SendAsync<JoinGroupResponse>(Join("", sessionTimeoutMs: 10_000), 5);
        Assert.Equal((short)KafkaErrorCode.InvalidGroupId, badJoin.ErrorCode);

        // A session timeout outside the broker's range; then the member id handshake of a new member (v4+).
        Assert.Equal((short)KafkaErrorCode.InvalidSessionTimeout, (await wire.SendAsync<JoinGroupResponse>(Join(group, sessionTimeoutMs: 1), 5)).ErrorCode);
        var handshake = await wire.SendAsync<JoinGroupResponse>(Join(group, sessionTimeoutMs: 10_000), 5);
        Assert.Equal((short)KafkaErrorCode.MemberIdRequired, handshake.ErrorCode);
        Assert.NotEmpty(handshake.MemberId);

        // A heartbeat from nobody.
        var heartbeat = await wire.SendAsync<HeartbeatResponse>(new HeartbeatRequest { GroupId = group, MemberId = "nobody", GenerationId = 1 }, 4);
        Assert.Equal((short)KafkaErrorCode.UnknownMemberId, heartbeat.ErrorCode);

        // One commit with a good partition, an unknown topic, a partition out of range and metadata over 4096 characters: only the
        // good partition is committed.
        var commit = new OffsetCommitRequest { GroupId = group, GenerationIdOrMemberEpoch = -1, MemberId = "" };
        commit.Topics.Add(Topic(topic, (0, 11, "ok"), (1, 12, new string('m', 5000)), (9, 13, null)));
        commit.Topics.Add(Topic("no-such-topic-" + Guid.NewGuid().ToString("N")[..6], (0, 14, null)));
        var committed = await wire.SendAsync<OffsetCommitResponse>(commit, 8);
        Assert.Equal(
            [KafkaErrorCode.None, KafkaErrorCode.OffsetMetadataTooLarge, KafkaErrorCode.UnknownTopicOrPartition, KafkaErrorCode.UnknownTopicOrPartition],
            committed.Topics.SelectMany(t => t.Partitions).Select(p => (KafkaErrorCode)p.ErrorCode));
        var stored = Assert.Single(await broker.Log.Admin.FetchCommittedOffsetsAsync(group));
        Assert.Equal((topic, 0, 11L, "ok"), (stored.Topic, stored.Partition, stored.Offset, stored.Metadata));

        // OffsetFetch v8 for two groups: the one that committed, and one that never existed (offset -1, no error).
        var fetch = new OffsetFetchRequest();
        foreach (var id in new[] { group, "never-" + group })
        {
            var asked = new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = id, Topics = [] };
            asked.Topics.Add(new OffsetFetchRequest.OffsetFetchRequestTopics { Name = topic, PartitionIndexes = [0, 1] });
            fetch.Groups.Add(asked);
        }

        var fetched = await wire.SendAsync<OffsetFetchResponse>(fetch, 8);
        Assert.Equal([(short)0, (short)0], fetched.Groups.Select(g => g.ErrorCode));
        Assert.Equal([11L, -1L], fetched.Groups[0].Topics.Single().Partitions.Select(p => p.CommittedOffset));
        Assert.Equal([-1L, -1L], fetched.Groups[1].Topics.Single().Partitions.Select(p => p.CommittedOffset));
    }

    [Fact]
    public async Task A_kip848_member_asking_for_an_unknown_assignor_or_a_future_epoch_is_refused()
    {
        var topic = KafkaClients.NewTopic("kip848-bad");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var unknown = await wire.SendAsync<ConsumerGroupHeartbeatResponse>(
            new ConsumerGroupHeartbeatRequest { GroupId = group, MemberEpoch = 0, RebalanceTimeoutMs = 30_000, SubscribedTopicNames = [topic], ServerAssignor = "sticky-ish" }, 0);
        Assert.Equal((short)KafkaErrorCode.UnsupportedAssignor, unknown.ErrorCode);
        Assert.Contains("uniform", unknown.ErrorMessage, StringComparison.Ordinal);

        var joined = await JoinKip848Async(wire, group, topic);
        Assert.Equal((short)KafkaErrorCode.None, joined.ErrorCode);
        Assert.Equal([0], joined.Assignment!.TopicPartitions.Single().Partitions);

        var future = await wire.SendAsync<ConsumerGroupHeartbeatResponse>(
            new ConsumerGroupHeartbeatRequest { GroupId = group, MemberId = joined.MemberId!, MemberEpoch = joined.MemberEpoch + 5, RebalanceTimeoutMs = 30_000 }, 0);
        Assert.Equal((short)KafkaErrorCode.FencedMemberEpoch, future.ErrorCode);

        var left = await wire.SendAsync<ConsumerGroupHeartbeatResponse>(
            new ConsumerGroupHeartbeatRequest { GroupId = group, MemberId = joined.MemberId!, MemberEpoch = -1, RebalanceTimeoutMs = 30_000 }, 0);
        Assert.Equal(((short)0, -1), (left.ErrorCode, left.MemberEpoch));
        Assert.Equal(GroupState.Empty, (await broker.Log.Admin.DescribeGroupAsync(group)).State);
    }

    [Fact]
    public async Task A_kip848_member_fetches_offsets_under_its_member_epoch_and_a_stale_epoch_or_unknown_member_is_refused()
    {
        var topic = KafkaClients.NewTopic("kip848-fetch");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        var joined = await JoinKip848Async(wire, group, topic);
        Assert.Equal((short)KafkaErrorCode.None, joined.ErrorCode);

        async Task<OffsetFetchResponse.OffsetFetchResponseGroup> FetchAsync(string? memberId, int memberEpoch)
        {
            var request = new OffsetFetchRequest();
            request.Groups.Add(new OffsetFetchRequest.OffsetFetchRequestGroup
            {
                GroupId = group,
                MemberId = memberId,
                MemberEpoch = memberEpoch,
                Topics = [new OffsetFetchRequest.OffsetFetchRequestTopics { Name = topic, PartitionIndexes = [0] }],
            });
            return Assert.Single((await wire.SendAsync<OffsetFetchResponse>(request, 9)).Groups);
        }

        var current = await FetchAsync(joined.MemberId, joined.MemberEpoch);
        Assert.Equal((short)KafkaErrorCode.None, current.ErrorCode);
        Assert.Equal(-1, Assert.Single(Assert.Single(current.Topics).Partitions).CommittedOffset);
        Assert.Equal((short)KafkaErrorCode.StaleMemberEpoch, (await FetchAsync(joined.MemberId, joined.MemberEpoch - 1)).ErrorCode);
        Assert.Equal((short)KafkaErrorCode.UnknownMemberId, (await FetchAsync("nobody", joined.MemberEpoch)).ErrorCode);

        // A client outside the new protocol (classic, or the admin client) sends no member and is answered as before.
        Assert.Equal((short)KafkaErrorCode.None, (await FetchAsync(null, -1)).ErrorCode);
    }

    [Fact]
    public async Task List_groups_filters_by_state_and_type_and_describe_groups_shows_a_missing_group_as_dead()
    {
        var topic = KafkaClients.NewTopic("list");
        var classic = KafkaClients.NewTopic("g");
        var empty = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        await broker.Log.Admin.ResetOffsetsAsync(empty, OffsetResetSpec.ToEarliest(topic), dryRun: false);
        using var member = new KafkaGroupMember("member", broker.BootstrapServers, classic, topic);
        await KafkaGroups.WaitUntilAsync(() => member.Partitions.Count == 1, Patience, () => KafkaGroups.Describe([member]));
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        async Task<Dictionary<string, (string State, string Type)>> ListAsync(List<string> states, List<string> types)
        {
            var listed = await wire.SendAsync<ListGroupsResponse>(new ListGroupsRequest { StatesFilter = states, TypesFilter = types }, 5);
            return listed.Groups.Where(g => g.GroupId == classic || g.GroupId == empty).ToDictionary(g => g.GroupId, g => (g.GroupState, g.GroupType));
        }

        Assert.Equal(new Dictionary<string, (string, string)> { [classic] = ("Stable", "classic"), [empty] = ("Empty", "consumer") }, await ListAsync([], []));
        Assert.Equal([classic], (await ListAsync(["stable"], [])).Keys);
        Assert.Equal([empty], (await ListAsync([], ["consumer"])).Keys);
        Assert.Empty(await ListAsync(["Empty"], ["classic"]));

        var described = await wire.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = [classic, "missing-" + classic, ""] }, 5);
        Assert.Equal(["Stable", "Dead", "Dead"], described.Groups.Select(g => g.GroupState));
        Assert.Equal([(short)0, (short)0, (short)KafkaErrorCode.InvalidGroupId], described.Groups.Select(g => g.ErrorCode));
        var only = Assert.Single(described.Groups[0].Members);
        Assert.Equal(("member", "range", "consumer"), (only.ClientId, described.Groups[0].ProtocolData, described.Groups[0].ProtocolType));

        // The client's own assignment bytes: version, the topic and its partition, then user data (librdkafka sends it empty, not null).
        Assert.Equal(ConsumerProtocol.Assignment((topic, [0]))[..^4], only.MemberAssignment[..^4]);
    }

    private static JoinGroupRequest Join(string group, int sessionTimeoutMs)
    {
        var join = new JoinGroupRequest { GroupId = group, SessionTimeoutMs = sessionTimeoutMs, RebalanceTimeoutMs = 30_000, ProtocolType = "consumer" };
        join.Protocols.Add(new JoinGroupRequest.JoinGroupRequestProtocol { Name = "range", Metadata = ConsumerProtocol.Subscription("t") });
        return join;
    }

    private static OffsetCommitRequest.OffsetCommitRequestTopic Topic(string name, params (int Partition, long Offset, string? Metadata)[] partitions)
    {
        var topic = new OffsetCommitRequest.OffsetCommitRequestTopic { Name = name };
        foreach (var (partition, offset, metadata) in partitions)
        {
            topic.Partitions.Add(new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = partition, CommittedOffset = offset, CommittedMetadata = metadata });
        }

        return topic;
    }

    private static async Task<KafkaErrorCode> CommitAsync(KafkaWire wire, string group, string memberId, int generation, string topic, int partition, long offset)
    {
        var request = new OffsetCommitRequest { GroupId = group, GenerationIdOrMemberEpoch = generation, MemberId = memberId };
        request.Topics.Add(Topic(topic, (partition, offset, null)));
        var response = await wire.SendAsync<OffsetCommitResponse>(request, 8);
        return (KafkaErrorCode)response.Topics.Single().Partitions.Single().ErrorCode;
    }

    // A new KIP-848 member's first heartbeat (epoch 0) subscribing to topic: it joins the group.
    private static Task<ConsumerGroupHeartbeatResponse> JoinKip848Async(KafkaWire wire, string group, string topic) =>
        wire.SendAsync<ConsumerGroupHeartbeatResponse>(
            new ConsumerGroupHeartbeatRequest { GroupId = group, MemberEpoch = 0, RebalanceTimeoutMs = 30_000, SubscribedTopicNames = [topic], TopicPartitions = [] }, 0);
}
