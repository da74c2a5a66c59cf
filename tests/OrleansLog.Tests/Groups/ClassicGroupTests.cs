using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansLog.Errors;
using OrleansLog.Groups;
using OrleansLog.Groups.Classic;
using OrleansLog.Testing;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.Tests.Groups;

public sealed class ClassicGroupTests
{
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RebalanceTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InitialDelay = TimeSpan.FromSeconds(3);

    private readonly FakeTimeProvider _time = new();
    private readonly ClassicGroup _group;

    public ClassicGroupTests() => _group = new ClassicGroup("g", InitialDelay, _time, NullLogger.Instance);

    [Fact]
    public void A_new_member_is_given_its_id_with_member_id_required_and_holds_up_nothing_until_it_comes_back()
    {
        var first = _group.Join(Request("", requireKnownMemberId: true));

        Assert.True(first.IsCompleted);
        Assert.Equal(ErrorCode.MemberIdRequired, Done(first).Error);
        Assert.StartsWith("client-", Done(first).MemberId);
        Assert.Equal(0, _group.MemberCount);

        var second = _group.Join(Request(Done(first).MemberId, requireKnownMemberId: true));
        Assert.False(second.IsCompleted);
        _time.Advance(InitialDelay);
        _group.Tick();

        Assert.Equal(ErrorCode.None, Done(second).Error);
        Assert.Equal(1, Done(second).Generation);
        Assert.Equal(Done(first).MemberId, Done(second).LeaderId);
    }

    [Fact]
    public void The_barrier_waits_for_every_known_member_then_the_leader_alone_gets_the_members_and_everyone_their_assignment()
    {
        var (a, b) = TwoStableMembers();

        // A third member starts a rebalance; the others learn of it from their heartbeats and rejoin.
        var c = _group.Join(Request("", clientId: "c"));
        Assert.Equal(ErrorCode.RebalanceInProgress, _group.Heartbeat(a, null, 2));
        var rejoinA = _group.Join(Request(a));
        Assert.False(c.IsCompleted);
        var rejoinB = _group.Join(Request(b));

        Assert.Equal(ErrorCode.None, Done(c).Error);
        Assert.All(new[] { Done(rejoinA), Done(rejoinB), Done(c) }, r => Assert.Equal(3, r.Generation));
        Assert.Equal(a, Done(rejoinA).LeaderId);
        Assert.Equal(3, Done(rejoinA).Members.Length);
        Assert.Empty(Done(rejoinB).Members);
        Assert.Empty(Done(c).Members);
        Assert.Equal(GroupState.CompletingRebalance, _group.State);

        var syncB = _group.Sync(Sync(b, 3));
        var syncC = _group.Sync(Sync(Done(c).MemberId, 3));
        Assert.False(syncB.IsCompleted);
        var syncA = _group.Sync(Sync(a, 3, (a, [1]), (b, [2]), (Done(c).MemberId, [3])));

        Assert.Equal(GroupState.Stable, _group.State);
        Assert.Equal([1], Done(syncA).Assignment);
        Assert.Equal([2], Done(syncB).Assignment);
        Assert.Equal([3], Done(syncC).Assignment);
        Assert.Equal("range", Done(syncA).ProtocolName);
    }

    [Fact]
    public void A_member_that_does_not_rejoin_within_the_rebalance_timeout_is_removed_and_the_others_go_on()
    {
        var (a, b) = TwoStableMembers();

        Assert.Equal(ErrorCode.UnknownMemberId, _group.Leave([new ClassicLeavingMember("nobody", null)])[0].Error);
        var newcomer = _group.Join(Request("", clientId: "c"));
        var rejoinA = _group.Join(Request(a));
        _time.Advance(RebalanceTimeout - TimeSpan.FromSeconds(1));
        _group.Heartbeat(b, null, 2);
        _group.Tick();
        Assert.False(rejoinA.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        _group.Tick();

        Assert.Equal(ErrorCode.None, Done(rejoinA).Error);
        Assert.Equal(2, Done(rejoinA).Members.Length);
        Assert.DoesNotContain(Done(rejoinA).Members, m => m.MemberId == b);
        Assert.Equal(ErrorCode.UnknownMemberId, _group.Heartbeat(b, null, 3));
        Assert.Equal(ErrorCode.None, Done(newcomer).Error);
    }

    [Fact]
    public void A_member_silent_for_its_session_is_expired_and_its_partitions_are_reassigned_in_a_new_generation()
    {
        var (a, b) = TwoStableMembers();

        _time.Advance(Session - TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorCode.None, _group.Heartbeat(a, null, 2));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(_group.Tick());

        Assert.Equal(GroupState.PreparingRebalance, _group.State);
        Assert.Equal(ErrorCode.UnknownMemberId, _group.Heartbeat(b, null, 2));
        Assert.Equal(ErrorCode.RebalanceInProgress, _group.Heartbeat(a, null, 2));
        var rejoin = _group.Join(Request(a));
        Assert.Equal(3, Done(rejoin).Generation);
        Assert.Single(Done(rejoin).Members);
    }

    [Fact]
    public void Leaving_rebalances_at_once_and_the_last_member_leaving_empties_the_group()
    {
        var (a, b) = TwoStableMembers();

        var results = _group.Leave([new ClassicLeavingMember(b, null)]);

        Assert.Equal(ErrorCode.None, results[0].Error);
        Assert.Equal(GroupState.PreparingRebalance, _group.State);
        Assert.Equal(3, Done(_group.Join(Request(a))).Generation);

        _group.Leave([new ClassicLeavingMember(a, null)]);
        Assert.Equal(GroupState.Empty, _group.State);
        Assert.Equal(0, _group.MemberCount);
        Assert.Null(_group.LeaderId);
    }

    [Fact]
    public void Members_must_share_the_protocol_type_and_an_assignment_protocol_and_the_one_most_prefer_is_chosen()
    {
        var a = JoinAlone(Request("", protocols: ["roundrobin", "range"]));

        var otherType = _group.Join(Request("", protocolType: "connect"));
        var noCommonProtocol = _group.Join(Request("", protocols: ["RoundRobinAssigner"]));

        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Done(otherType).Error);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Done(noCommonProtocol).Error);
        Assert.Equal(1, _group.MemberCount);

        var b = _group.Join(Request("", clientId: "b", protocols: ["range", "roundrobin"]));
        var c = _group.Join(Request("", clientId: "c", protocols: ["range", "roundrobin"]));
        var rejoinA = _group.Join(Request(a, protocols: ["roundrobin", "range"]));

        Assert.Equal("range", Done(rejoinA).ProtocolName);
        Assert.Equal("range", Done(b).ProtocolName);
        Assert.Equal(Done(c).Generation, Done(rejoinA).Generation);
    }

    [Fact]
    public void Stale_generations_unknown_members_and_a_sync_during_a_rebalance_get_kafkas_errors()
    {
        var (a, _) = TwoStableMembers();

        Assert.Equal(ErrorCode.IllegalGeneration, _group.Heartbeat(a, null, 1));
        Assert.Equal(ErrorCode.UnknownMemberId, _group.Heartbeat("ghost", null, 2));
        Assert.Equal(ErrorCode.IllegalGeneration, Done(_group.Sync(Sync(a, 1))).Error);
        Assert.Equal(ErrorCode.UnknownMemberId, Done(_group.Join(Request("ghost"))).Error);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, Done(_group.Sync(Sync(a, 2) with { ProtocolName = "roundrobin" })).Error);
        Assert.Equal(ErrorCode.InvalidSessionTimeout, Done(_group.Join(Request("") with { SessionTimeout = TimeSpan.FromMilliseconds(1) })).Error);

        _group.Join(Request("", clientId: "c"));
        Assert.Equal(ErrorCode.RebalanceInProgress, Done(_group.Sync(Sync(a, 2))).Error);
    }

    [Fact]
    public void Commits_are_fenced_by_member_and_generation_and_refused_while_the_assignment_is_awaited()
    {
        _group.CheckCommit("", null, -1);
        var (a, b) = TwoStableMembers();

        _group.CheckCommit(a, null, 2);
        Assert.Contains("commit from outside", Assert.Throws<UnknownMemberException>(() => _group.CheckCommit("", null, -1)).Message);
        Assert.Throws<IllegalGenerationException>(() => _group.CheckCommit(a, null, 1));
        Assert.Throws<UnknownMemberException>(() => _group.CheckCommit("ghost", null, 2));

        _group.Join(Request("", clientId: "c"));
        _group.CheckCommit(a, null, 2);
        _group.Join(Request(a));
        _group.Join(Request(b));
        Assert.Equal(GroupState.CompletingRebalance, _group.State);
        Assert.Throws<RebalanceInProgressException>(() => _group.CheckCommit(a, null, 3));
    }

    [Fact]
    public void A_static_member_that_restarts_keeps_its_assignment_without_a_rebalance_and_its_old_id_is_fenced()
    {
        var a = JoinAlone(Request("", instanceId: "i-1"));
        var b = _group.Join(Request("", clientId: "b", instanceId: "i-2"));
        var rejoinA = _group.Join(Request(a, instanceId: "i-1"));
        var generation = Done(rejoinA).Generation;
        var syncB = _group.Sync(Sync(Done(b).MemberId, generation));
        _group.Sync(Sync(a, generation, (a, [1]), (Done(b).MemberId, [2])));
        Assert.Equal([2], Done(syncB).Assignment);

        var restarted = _group.Join(Request("", clientId: "b", instanceId: "i-2"));

        Assert.True(restarted.IsCompleted);
        Assert.Equal(generation, Done(restarted).Generation);
        Assert.NotEqual(Done(b).MemberId, Done(restarted).MemberId);
        Assert.Equal(GroupState.Stable, _group.State);
        Assert.Equal([2], Done(_group.Sync(Sync(Done(restarted).MemberId, generation, "i-2"))).Assignment);
        Assert.Equal(ErrorCode.FencedInstanceId, _group.Heartbeat(Done(b).MemberId, "i-2", generation));
        Assert.Equal(ErrorCode.None, _group.Heartbeat(Done(restarted).MemberId, "i-2", generation));
        Assert.Equal(ErrorCode.FencedInstanceId, _group.Leave([new ClassicLeavingMember(Done(b).MemberId, "i-2")])[0].Error);
    }

    [Fact]
    public void A_restored_group_keeps_its_generation_and_assignments_and_a_group_caught_rebalancing_rebalances_again()
    {
        var (a, b) = TwoStableMembers();
        var restored = new ClassicGroup("g", InitialDelay, _time, NullLogger.Instance);

        restored.Restore(_group.Snapshot());

        Assert.Equal(GroupState.Stable, restored.State);
        Assert.Equal(2, restored.Generation);
        Assert.Equal([2], Done(restored.Sync(Sync(b, 2))).Assignment);

        _group.Join(Request("", clientId: "c"));
        var mid = new ClassicGroup("g", InitialDelay, _time, NullLogger.Instance);
        mid.Restore(_group.Snapshot());
        Assert.Equal(GroupState.PreparingRebalance, mid.State);
        Assert.Equal(ErrorCode.RebalanceInProgress, mid.Heartbeat(a, null, 2));
    }

    [Fact]
    public void Describe_reads_topics_and_partitions_from_consumer_protocol_bytes()
    {
        var join = _group.Join(Request("", metadata: ConsumerProtocol.Subscription("orders", "payments")));
        _time.Advance(InitialDelay);
        _group.Tick();
        var a = Done(join).MemberId;
        _group.Sync(Sync(a, 1, (a, ConsumerProtocol.Assignment(("orders", [0, 1]), ("payments", [2])))));

        var member = Assert.Single(_group.DescribeMembers());

        Assert.Equal(["orders", "payments"], member.Topics);
        Assert.Equal([new TopicPartition("orders", 0), new TopicPartition("orders", 1), new TopicPartition("payments", 2)], member.Assignment);
        Assert.Equal(["orders", "payments"], _group.SubscribedTopics().Order());
        Assert.Empty(ConsumerProtocolBytes.Partitions([0, 0, 0, 0, 0, 9]));
    }

    // The group answers synchronously or from a later call; a task still pending here is a failure, not something to wait for.
    private static T Done<T>(Task<T> task)
    {
        Assert.True(task.IsCompletedSuccessfully, "the group has not answered yet");
        return task.GetAwaiter().GetResult();
    }

    // Two members at generation 2: a (the leader) with assignment [1] and b with [2], Stable.
    private (string A, string B) TwoStableMembers()
    {
        var a = JoinAlone(Request(""));
        var b = _group.Join(Request("", clientId: "b"));
        var rejoinA = _group.Join(Request(a));
        Assert.Equal(2, Done(rejoinA).Generation);
        var syncB = _group.Sync(Sync(Done(b).MemberId, 2));
        _group.Sync(Sync(a, 2, (a, [1]), (Done(b).MemberId, [2])));
        Assert.Equal([2], Done(syncB).Assignment);
        Assert.Equal(GroupState.Stable, _group.State);
        return (a, Done(b).MemberId);
    }

    // The first member of an empty group: joins, waits out the initial delay, leads generation 1 and syncs an empty assignment.
    private string JoinAlone(ClassicJoinRequest request)
    {
        var join = _group.Join(request);
        _time.Advance(InitialDelay);
        _group.Tick();
        Assert.Equal(ErrorCode.None, Done(join).Error);
        _group.Sync(Sync(Done(join).MemberId, Done(join).Generation, request.InstanceId));
        return Done(join).MemberId;
    }

    private static ClassicJoinRequest Request(
        string memberId, string clientId = "client", string? instanceId = null, bool requireKnownMemberId = false, string protocolType = "consumer",
        string[]? protocols = null, byte[]? metadata = null) => new()
        {
            MemberId = memberId,
            InstanceId = instanceId,
            ClientId = clientId,
            ClientHost = "/127.0.0.1",
            SessionTimeout = Session,
            RebalanceTimeout = RebalanceTimeout,
            ProtocolType = protocolType,
            Protocols = [.. (protocols ?? ["range"]).Select(p => new ClassicProtocol(p, metadata ?? []))],
            RequireKnownMemberId = requireKnownMemberId,
        };

    private static ClassicSyncRequest Sync(string memberId, int generation, params (string MemberId, byte[] Assignment)[] assignments) =>
        new() { MemberId = memberId, Generation = generation, Assignments = [.. assignments.Select(a => new ClassicMemberAssignment(a.MemberId, a.Assignment))] };

    private static ClassicSyncRequest Sync(string memberId, int generation, string? instanceId) => new() { MemberId = memberId, Generation = generation, InstanceId = instanceId };
}
