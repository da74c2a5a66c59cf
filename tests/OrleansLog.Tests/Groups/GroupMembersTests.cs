using Microsoft.Extensions.Time.Testing;
using OrleansLog.Errors;
using OrleansLog.Groups;

namespace OrleansLog.Tests.Groups;

public sealed class GroupMembersTests
{
    private static readonly TimeSpan Session = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RebalanceTimeout = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new();
    private readonly GroupMembers _members;

    public GroupMembersTests() => _members = new GroupMembers("g", _time);

    [Fact]
    public void A_fenced_id_is_refused_as_fenced_and_any_other_unknown_id_as_unknown_until_the_group_is_cleared()
    {
        _members.Add(Member("a", instanceId: "static-1"));
        _members.Add(Member("b"));

        _members.Fence("a");

        Assert.Equal(["b"], _members.Ids);
        Assert.Null(_members.FindByInstanceId("static-1"));
        Assert.Contains("same group.instance.id", Assert.Throws<FencedInstanceIdException>(() => _members.Get("a")).Message);
        Assert.Contains("no member 'c'", Assert.Throws<UnknownMemberException>(() => _members.Get("c")).Message);

        _members.Clear();
        Assert.Equal(0, _members.Count);
        Assert.Throws<UnknownMemberException>(() => _members.Get("a"));
    }

    [Fact]
    public void A_member_expires_once_silent_for_longer_than_its_session_and_a_heartbeat_starts_the_session_again()
    {
        _members.Add(Member("a"));
        _members.Add(Member("b"));

        _time.Advance(Session);
        Assert.Null(_members.FindExpired());

        _members.Seen("a");
        _time.Advance(TimeSpan.FromSeconds(1));
        var expired = Assert.Single(_members.FindExpired()!);
        Assert.Equal(new GroupMembers.ExpiredMember("b", Session + TimeSpan.FromSeconds(1), TimeSpan.Zero), expired);

        // Finding does not remove: the caller decides.
        Assert.Equal(2, _members.Count);
    }

    [Fact]
    public void The_rebalance_timeout_runs_from_the_first_request_to_revoke_until_nothing_is_left_to_revoke()
    {
        var slow = Member("slow", owned: [0, 1], target: [0]);
        _members.Add(slow);
        _members.TrackRevocations();

        // Tracking again while the revocation is still pending keeps the first request's time.
        _time.Advance(TimeSpan.FromSeconds(20));
        _members.TrackRevocations();
        _members.Seen("slow");
        _time.Advance(TimeSpan.FromSeconds(5));
        _members.Seen("slow");
        _time.Advance(TimeSpan.FromSeconds(5));
        _members.Seen("slow");
        Assert.Null(_members.FindExpired());

        _time.Advance(TimeSpan.FromSeconds(1));
        _members.Seen("slow");
        Assert.Equal(new GroupMembers.ExpiredMember("slow", TimeSpan.Zero, RebalanceTimeout + TimeSpan.FromSeconds(1)), Assert.Single(_members.FindExpired()!));

        // Once the member has revoked, its rebalance timeout no longer runs.
        slow.Owned.Remove(new TopicPartition("t", 1));
        _members.TrackRevocations();
        Assert.Null(_members.FindExpired());
    }

    [Fact]
    public void Restored_members_are_copies_that_each_get_a_full_session_from_now()
    {
        _time.Advance(TimeSpan.FromHours(1));
        var persisted = Member("a", owned: [0], target: [0]);

        _members.Restore([persisted]);
        persisted.Owned.Add(new TopicPartition("t", 5));

        Assert.Equal([new TopicPartition("t", 0)], _members.Get("a").Owned);
        _time.Advance(Session);
        Assert.Null(_members.FindExpired());
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal("a", Assert.Single(_members.FindExpired()!).MemberId);
    }

    private static GroupMemberState Member(string memberId, string? instanceId = null, int[]? owned = null, int[]? target = null) => new()
    {
        MemberId = memberId,
        InstanceId = instanceId,
        Topics = ["t"],
        SessionTimeout = Session,
        RebalanceTimeout = RebalanceTimeout,
        Owned = [.. (owned ?? []).Select(p => new TopicPartition("t", p))],
        Target = [.. (target ?? []).Select(p => new TopicPartition("t", p))],
    };
}
