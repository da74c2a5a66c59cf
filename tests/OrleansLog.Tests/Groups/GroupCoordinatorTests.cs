using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrleansLog.Errors;
using OrleansLog.Groups;

namespace OrleansLog.Tests.Groups;

public sealed class GroupCoordinatorTests
{
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RebalanceTimeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();
    private readonly GroupCoordinator _group;

    public GroupCoordinatorTests()
    {
        _group = new GroupCoordinator("g", _time, NullLogger.Instance);
        _group.UpdatePartitionCounts(["t"], [6]);
    }

    [Fact]
    public void The_first_member_owns_every_partition_in_generation_1()
    {
        var first = _group.Join(Request());

        Assert.Equal(1, first.Generation);
        Assert.Equal(Partitions(0, 1, 2, 3, 4, 5), first.Partitions);
        Assert.False(first.Reconciling);
        Assert.Equal(GroupState.Stable, _group.State(exists: true));
    }

    [Fact]
    public void A_moving_partition_is_granted_only_after_its_old_owner_reports_it_revoked()
    {
        var first = _group.Join(Request());
        var second = _group.Join(Request());

        // The newcomer is told to wait: everything it is to get still belongs to the first member.
        Assert.Equal(2, second.Generation);
        Assert.Empty(second.Partitions);
        Assert.True(second.Reconciling);
        var firstNow = _group.Assignment(first.MemberId);
        Assert.Equal(3, firstNow.Partitions.Length);
        Assert.True(firstNow.Reconciling);
        Assert.Equal(GroupState.Reconciling, _group.State(exists: true));

        // Still reporting all six: nothing moves.
        Assert.False(_group.Heartbeat(first.MemberId, Partitions(0, 1, 2, 3, 4, 5)));
        Assert.Empty(_group.Assignment(second.MemberId).Partitions);

        Assert.True(_group.Heartbeat(first.MemberId, firstNow.Partitions));
        var granted = _group.Assignment(second.MemberId);
        Assert.Equal(3, granted.Partitions.Length);
        Assert.Empty(granted.Partitions.Intersect(firstNow.Partitions));
        Assert.Equal(GroupState.Stable, _group.State(exists: true));
    }

    [Fact]
    public void A_silent_member_is_removed_after_its_session_and_its_partitions_move()
    {
        var first = _group.Join(Request());
        var second = _group.Join(Request());
        _group.Heartbeat(first.MemberId, _group.Assignment(first.MemberId).Partitions);

        _time.Advance(Session - TimeSpan.FromSeconds(1));
        _group.Heartbeat(first.MemberId, _group.Assignment(first.MemberId).Partitions);
        Assert.False(_group.ExpireMembers());

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(_group.ExpireMembers());
        Assert.Equal(1, _group.MemberCount);
        Assert.Throws<UnknownMemberException>(() => _group.Assignment(second.MemberId));
        Assert.Equal(Partitions(0, 1, 2, 3, 4, 5), _group.Assignment(first.MemberId).Partitions);
    }

    [Fact]
    public void A_member_that_does_not_revoke_within_the_rebalance_timeout_is_removed()
    {
        var first = _group.Join(Request());
        var second = _group.Join(Request());

        // The first member heartbeats but keeps reporting every partition, so the hand-over never completes.
        for (var elapsed = TimeSpan.Zero; elapsed <= RebalanceTimeout; elapsed += TimeSpan.FromSeconds(5))
        {
            _group.Heartbeat(first.MemberId, Partitions(0, 1, 2, 3, 4, 5));
            _group.Heartbeat(second.MemberId, []);
            Assert.False(_group.ExpireMembers());
            _time.Advance(TimeSpan.FromSeconds(5));
        }

        _group.Heartbeat(second.MemberId, []);
        Assert.True(_group.ExpireMembers());
        Assert.Throws<UnknownMemberException>(() => _group.Assignment(first.MemberId));
        Assert.Equal(Partitions(0, 1, 2, 3, 4, 5), _group.Assignment(second.MemberId).Partitions);
    }

    [Fact]
    public void A_static_member_that_rejoins_keeps_its_partitions_without_a_rebalance_and_its_old_id_is_fenced()
    {
        var first = _group.Join(Request("a"));
        var second = _group.Join(Request("b"));
        _group.Heartbeat(first.MemberId, _group.Assignment(first.MemberId).Partitions);
        var before = _group.Assignment(second.MemberId);

        Assert.True(_group.Leave(second.MemberId));
        var rejoined = _group.Join(Request("b"));

        Assert.Equal(before.Generation, rejoined.Generation);
        Assert.Equal(before.Partitions, rejoined.Partitions);
        Assert.NotEqual(second.MemberId, rejoined.MemberId);
        Assert.Throws<FencedInstanceIdException>(() => _group.Heartbeat(second.MemberId, []));
        Assert.Throws<FencedInstanceIdException>(() => _group.CheckMemberCommit(second.MemberId, rejoined.Generation, []));
    }

    [Fact]
    public void A_dynamic_member_that_leaves_hands_its_partitions_over_at_once()
    {
        var first = _group.Join(Request());
        var second = _group.Join(Request());
        _group.Heartbeat(first.MemberId, _group.Assignment(first.MemberId).Partitions);

        Assert.True(_group.Leave(second.MemberId));

        Assert.Equal(3, _group.Generation);
        Assert.Equal(Partitions(0, 1, 2, 3, 4, 5), _group.Assignment(first.MemberId).Partitions);
        Assert.False(_group.Leave(second.MemberId));
    }

    [Fact]
    public void Commits_are_fenced_by_member_generation_and_ownership()
    {
        var first = _group.Join(Request());
        _group.CheckMemberCommit(first.MemberId, first.Generation, [Offset(0)]);

        Assert.Throws<UnknownMemberException>(() => _group.CheckMemberCommit("nobody", first.Generation, [Offset(0)]));
        var stale = Assert.Throws<IllegalGenerationException>(() => _group.CheckMemberCommit(first.MemberId, first.Generation - 1, [Offset(0)]));
        Assert.Contains("generation 0", stale.Message);

        var second = _group.Join(Request());
        var kept = _group.Assignment(first.MemberId).Partitions;
        _group.Heartbeat(first.MemberId, kept);
        var given = _group.Assignment(second.MemberId).Partitions[0];
        var notOwned = Assert.Throws<IllegalGenerationException>(() => _group.CheckMemberCommit(first.MemberId, second.Generation, [Offset(given.Partition)]));
        Assert.Contains("does not own", notOwned.Message);
        _group.CheckMemberCommit(first.MemberId, second.Generation, [Offset(kept[0].Partition)]);
    }

    [Fact]
    public void Commits_from_outside_the_group_are_taken_only_while_it_is_empty()
    {
        _group.CheckStandaloneCommit();
        var member = _group.Join(Request());

        var refused = Assert.Throws<UnknownMemberException>(_group.CheckStandaloneCommit);
        Assert.Contains("1 active members", refused.Message);
        var notEmpty = Assert.Throws<GroupNotEmptyException>(() => _group.EnsureEmpty("delete"));
        Assert.StartsWith("Cannot delete group 'g' while it has 1 members", notEmpty.Message);

        _group.Leave(member.MemberId);
        _group.CheckStandaloneCommit();
        _group.EnsureEmpty("delete");
    }

    [Fact]
    public void A_restored_group_keeps_its_assignment_and_gives_every_member_a_full_session()
    {
        var first = _group.Join(Request("a"));
        var second = _group.Join(Request());
        _group.Heartbeat(first.MemberId, _group.Assignment(first.MemberId).Partitions);
        var snapshot = _group.Snapshot(exists: true);

        _time.Advance(Session * 5);
        var restored = new GroupCoordinator("g", _time, NullLogger.Instance);
        restored.Restore(snapshot);
        restored.UpdatePartitionCounts(["t"], [6]);

        Assert.Equal(_group.Generation, restored.Generation);
        Assert.Equal(_group.Assignment(first.MemberId), restored.Assignment(first.MemberId), AssignmentComparer.Instance);
        Assert.Equal(_group.Assignment(second.MemberId), restored.Assignment(second.MemberId), AssignmentComparer.Instance);
        Assert.False(restored.ExpireMembers());
        _time.Advance(Session + TimeSpan.FromSeconds(1));
        Assert.True(restored.ExpireMembers());
        Assert.Equal(0, restored.MemberCount);
    }

    [Fact]
    public void New_partitions_of_a_subscribed_topic_are_assigned_after_a_rebalance()
    {
        var member = _group.Join(Request());

        Assert.False(_group.UpdatePartitionCounts(["t"], [6]));
        Assert.True(_group.UpdatePartitionCounts(["t"], [8]));
        _group.Rebalance("subscribed topics changed");

        Assert.Equal(Partitions(0, 1, 2, 3, 4, 5, 6, 7), _group.Assignment(member.MemberId).Partitions);
        Assert.True(_group.UpdatePartitionCounts(["t"], [0]));
        _group.Rebalance("subscribed topics changed");
        Assert.Empty(_group.Assignment(member.MemberId).Partitions);
    }

    [Fact]
    public void Bad_join_requests_are_refused_saying_what_is_wrong()
    {
        Assert.Contains("at least one topic", Assert.Throws<InvalidRequestException>(() => _group.Join(Request() with { Topics = [] })).Message);
        Assert.Contains("session.timeout.ms", Assert.Throws<InvalidRequestException>(() => _group.Join(Request() with { SessionTimeout = TimeSpan.FromMilliseconds(10) })).Message);
        Assert.Contains("group.instance.id", Assert.Throws<InvalidRequestException>(() => _group.Join(Request(""))).Message);
        Assert.Contains("Unknown partition assignor", Assert.Throws<InvalidRequestException>(() => _group.Join(Request() with { Assignor = "sticky-ish" })).Message);
        Assert.Throws<InvalidTopicException>(() => _group.Join(Request() with { Topics = ["bad/name"] }));
        Assert.Equal(0, _group.MemberCount);
        Assert.Equal(GroupState.Dead, _group.State(exists: false));
    }

    [Fact]
    public void Offsets_are_checked_before_they_are_committed()
    {
        Assert.Contains("numbered from 0", Assert.Throws<InvalidRequestException>(() => GroupOffsets.Validate([new CommittedOffset("t", -1, 0)])).Message);
        Assert.Contains("0 or more", Assert.Throws<InvalidRequestException>(() => GroupOffsets.Validate([new CommittedOffset("t", 0, -3)])).Message);
        Assert.Contains("the limit is 4096", Assert.Throws<InvalidRequestException>(() => GroupOffsets.Validate([new CommittedOffset("t", 0, 1, new string('m', 5000))])).Message);

        var offsets = new GroupOffsets();
        var at = _time.GetUtcNow();
        offsets.Commit([new CommittedOffset("t", 2, 20), new CommittedOffset("t", 0, 5)], at);
        offsets.Commit([new CommittedOffset("t", 2, 21, "m")], at);

        Assert.Equal(new[] { ("t", 0, 5L, (string?)null), ("t", 2, 21L, "m") }, offsets.Get(null).Select(o => (o.Topic, o.Partition, o.Offset, o.Metadata)));
        Assert.All(offsets.Get(null), o => Assert.Equal(at, o.CommittedAt));
        Assert.Equal(new[] { 21L }, offsets.Get([new TopicPartition("t", 2), new TopicPartition("t", 9)]).Select(o => o.Offset));
    }

    private static JoinGroupRequest Request(string? instanceId = null) => new()
    {
        InstanceId = instanceId,
        ClientId = "test",
        Topics = ["t"],
        SessionTimeout = Session,
        RebalanceTimeout = RebalanceTimeout,
    };

    private static TopicPartition[] Partitions(params int[] partitions) => [.. partitions.Select(p => new TopicPartition("t", p))];

    private static CommittedOffset Offset(int partition) => new("t", partition, 1);

    private sealed class AssignmentComparer : IEqualityComparer<MemberAssignment>
    {
        public static readonly AssignmentComparer Instance = new();

        public bool Equals(MemberAssignment? x, MemberAssignment? y) =>
            x is not null && y is not null && x.MemberId == y.MemberId && x.Generation == y.Generation && x.Partitions.SequenceEqual(y.Partitions) && x.Reconciling == y.Reconciling;

        public int GetHashCode(MemberAssignment obj) => obj.MemberId.GetHashCode(StringComparison.Ordinal);
    }
}
