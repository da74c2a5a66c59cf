using System.Diagnostics;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Groups;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Groups;

[Collection(GroupClusterCollection.Name)]
public sealed class ConsumerGroupTests(GroupClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task Two_groups_each_receive_every_record_and_a_group_of_three_reads_each_exactly_once()
    {
        var topic = LogCluster.NewTopic("groups-pubsub");
        await _log.CreateTopicAsync(topic, 6);
        var ownership = new OwnershipLog();
        var first = GroupTestHelpers.NewGroup("first");
        var second = GroupTestHelpers.NewGroup("second");
        await using var a1 = GroupMember.Start(_log, "a1", first, topic, ownership);
        await using var a2 = GroupMember.Start(_log, "a2", first, topic, ownership);
        await using var a3 = GroupMember.Start(_log, "a3", first, topic, ownership);
        await using var b1 = GroupMember.Start(_log, "b1", second, topic, new OwnershipLog());
        GroupMember[] firstMembers = [a1, a2, a3];
        var described = await GroupTestHelpers.WaitStableAsync(_log, first, firstMembers, Timeout);
        await GroupTestHelpers.WaitStableAsync(_log, second, [b1], Timeout);

        // Within the group each of the 6 partitions has exactly one owner, two each.
        GroupTestHelpers.AssertSingleOwners(described);
        Assert.Equal(6, described.Members.Sum(m => m.Assignment.Length));
        Assert.All(described.Members, m => Assert.Equal(2, m.Assignment.Length));

        await GroupTestHelpers.ProduceAsync(_log, topic, 600);
        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(firstMembers.Sum(m => m.Read.Count) >= 600 && b1.Read.Count >= 600), Timeout, "both groups read 600 records");
        await Task.Delay(300);

        // Each group got every record; within the first group the members' union is every record exactly once.
        var expected = Enumerable.Range(0, 600).Select(i => $"v-{i}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, firstMembers.SelectMany(m => m.Read.Select(r => r.Value)).Order(StringComparer.Ordinal));
        Assert.Equal(expected, b1.Read.Select(r => r.Value).Order(StringComparer.Ordinal));
        foreach (var member in firstMembers)
        {
            Assert.All(member.Read, r => Assert.Contains(r.Partition, member.Consumer.Assignment));
        }

        ownership.ReplayAndCheck();
    }

    [Fact]
    public async Task Members_joining_leaving_and_crashing_never_share_a_partition_and_kept_partitions_are_never_revoked()
    {
        var topic = LogCluster.NewTopic("groups-churn");
        await _log.CreateTopicAsync(topic, 6);
        var groupId = GroupTestHelpers.NewGroup("churn");
        var ownership = new OwnershipLog();
        var options = GroupMember.Options(sessionTimeout: TimeSpan.FromSeconds(3));
        using var stopProducing = new CancellationTokenSource();
        var produced = 0;
        var producing = Task.Run(async () =>
        {
            while (!stopProducing.IsCancellationRequested)
            {
                await GroupTestHelpers.ProduceAsync(_log, topic, 30, $"batch{produced / 30}");
                produced += 30;
                await Task.Delay(50);
            }
        });

        // A single writer of the grain's view: sample it all along and check no partition is in two owned sets.
        var samples = 0;
        var sampling = Task.Run(async () =>
        {
            while (!stopProducing.IsCancellationRequested)
            {
                GroupTestHelpers.AssertSingleOwners(await _log.Client.Admin.DescribeGroupAsync(groupId));
                samples++;
                await Task.Delay(20);
            }
        });

        var a = GroupMember.Start(_log, "a", groupId, topic, ownership, options);
        await GroupTestHelpers.WaitStableAsync(_log, groupId, [a], Timeout);
        var b = GroupMember.Start(_log, "b", groupId, topic, ownership, options);
        await GroupTestHelpers.WaitStableAsync(_log, groupId, [a, b], Timeout);
        var aAfterB = a.Consumer.Assignment.ToHashSet();
        var c = GroupMember.Start(_log, "c", groupId, topic, ownership, options);
        await GroupTestHelpers.WaitStableAsync(_log, groupId, [a, b, c], Timeout);
        var kept = a.Consumer.Assignment.Intersect(aAfterB).ToList();

        await b.CloseAsync();
        await GroupTestHelpers.WaitStableAsync(_log, groupId, [a, c], Timeout);
        await c.CrashAsync();
        var crashedAt = Stopwatch.StartNew();
        await GroupTestHelpers.WaitStableAsync(_log, groupId, [a], Timeout);
        output.WriteLine($"after the crash, a owned all partitions again in {crashedAt.ElapsedMilliseconds} ms (session timeout 3000 ms)");
        Assert.Equal(6, a.Consumer.Assignment.Count);

        await stopProducing.CancelAsync();
        await producing;
        await sampling;
        var total = produced;
        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(a.Read.Select(r => r.Value).Concat(b.Read.Select(r => r.Value)).Concat(c.Read.Select(r => r.Value)).Distinct().Count() >= total), Timeout, $"all {total} records read");

        // Ownership replay: never two owners; a kept partition was never revoked from a (cooperative: it kept consuming it throughout).
        var owned = ownership.ReplayAndCheck();
        Assert.Equal(6, owned["a"].Count);
        Assert.NotEmpty(kept);
        foreach (var partition in kept)
        {
            Assert.Equal(0, ownership.RevocationsOf("a", partition));
        }

        // At least once: every produced record was read by some member, even though c crashed without committing.
        var read = a.Read.Concat(b.Read).Concat(c.Read).Select(r => r.Value).ToHashSet();
        Assert.Equal(total, read.Count);
        output.WriteLine($"{total} records, {a.Read.Count + b.Read.Count + c.Read.Count} deliveries, {ownership.Events.Count} ownership events, {samples} group samples");
        await a.CloseAsync();
    }

    [Fact]
    public async Task Members_beyond_the_partition_count_stay_idle_and_take_over_when_an_owner_leaves()
    {
        var topic = LogCluster.NewTopic("groups-idle");
        await _log.CreateTopicAsync(topic, 2);
        var groupId = GroupTestHelpers.NewGroup("idle");
        var ownership = new OwnershipLog();
        var members = new List<GroupMember>
        {
            GroupMember.Start(_log, "m1", groupId, topic, ownership),
            GroupMember.Start(_log, "m2", groupId, topic, ownership),
            GroupMember.Start(_log, "m3", groupId, topic, ownership),
        };
        await GroupTestHelpers.WaitStableAsync(_log, groupId, members, Timeout);
        var idle = Assert.Single(members, m => m.Consumer.Assignment.Count == 0);
        Assert.All(members.Where(m => m != idle), m => Assert.Single(m.Consumer.Assignment));

        await GroupTestHelpers.ProduceAsync(_log, topic, 100, "before");
        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(members.Sum(m => m.Read.Count) >= 100), Timeout, "100 records read");
        Assert.Empty(idle.Read);

        var leaving = members.First(m => m != idle);
        var handedOver = Assert.Single(leaving.Consumer.Assignment);
        await leaving.CloseAsync();
        members.Remove(leaving);
        await GroupTestHelpers.WaitStableAsync(_log, groupId, members, Timeout);
        Assert.Equal([handedOver], idle.Consumer.Assignment);

        // The new owner continues where the old one committed on close: it reads only the new records of that partition.
        await GroupTestHelpers.ProduceAsync(_log, topic, 100, "after");
        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(members.Sum(m => m.Read.Count(r => r.Value.StartsWith("after", StringComparison.Ordinal))) >= 100), Timeout, "100 new records read");
        Assert.NotEmpty(idle.Read);
        Assert.All(idle.Read, r => Assert.StartsWith("after", r.Value, StringComparison.Ordinal));
        Assert.All(idle.Read, r => Assert.Equal(handedOver, r.Partition));
        ownership.ReplayAndCheck();
        foreach (var member in members)
        {
            await member.CloseAsync();
        }
    }

    [Fact]
    public async Task Rebalance_time_of_three_members_on_twelve_partitions_after_a_graceful_leave_and_a_crash()
    {
        var topic = LogCluster.NewTopic("groups-timing");
        await _log.CreateTopicAsync(topic, 12);
        var sessionTimeout = TimeSpan.FromSeconds(3);
        var options = GroupMember.Options(sessionTimeout) with { HeartbeatInterval = TimeSpan.FromSeconds(1) };

        foreach (var crash in new[] { false, true })
        {
            var groupId = GroupTestHelpers.NewGroup(crash ? "timing-crash" : "timing-leave");
            var ownership = new OwnershipLog();
            var members = new List<GroupMember>
            {
                GroupMember.Start(_log, "t1", groupId, topic, ownership, options),
                GroupMember.Start(_log, "t2", groupId, topic, ownership, options),
                GroupMember.Start(_log, "t3", groupId, topic, ownership, options),
            };
            await GroupTestHelpers.WaitStableAsync(_log, groupId, members, Timeout);
            Assert.All(members, m => Assert.Equal(4, m.Consumer.Assignment.Count));

            var leaving = members[2];
            members.RemoveAt(2);

            // The clock starts when the consumer itself stops (Close or crash), not while the test's own consume loop winds down.
            await leaving.StopReadingAsync();
            var clock = Stopwatch.StartNew();
            if (crash)
            {
                await leaving.CrashAsync();
            }
            else
            {
                await leaving.CloseAsync();
            }

            await LogTestExtensions.EventuallyAsync(() => Task.FromResult(members.Sum(m => m.Consumer.Assignment.Count) == 12), Timeout, "the remaining members own all 12 partitions");
            var elapsed = clock.Elapsed;
            output.WriteLine(crash
                ? $"crash: remaining 2 members own all 12 partitions {elapsed.TotalMilliseconds:0} ms after the crash (session timeout {sessionTimeout.TotalMilliseconds:0} ms, so {elapsed.TotalMilliseconds - sessionTimeout.TotalMilliseconds:0} ms beyond it)"
                : $"graceful leave: remaining 2 members own all 12 partitions {elapsed.TotalMilliseconds:0} ms after CloseAsync began");
            Console.WriteLine($"REBALANCE {(crash ? "crash" : "leave")} {elapsed.TotalMilliseconds:0} ms");
            var owned = ownership.ReplayAndCheck();
            Assert.Equal(12, members.Sum(m => owned[m.Name].Count));
            foreach (var member in members)
            {
                await member.CloseAsync();
            }
        }
    }

    [Fact]
    public async Task A_subscription_picks_up_a_topic_created_after_the_member_joined()
    {
        var topic = LogCluster.NewTopic("groups-later");
        var groupId = GroupTestHelpers.NewGroup("later");
        var ownership = new OwnershipLog();
        await using var member = GroupMember.Start(_log, "early", groupId, topic, ownership);
        await GroupTestHelpers.WaitStableAsync(_log, groupId, [member], Timeout);
        Assert.Empty(member.Consumer.Assignment);

        await _log.CreateTopicAsync(topic, 3);
        await GroupTestHelpers.ProduceAsync(_log, topic, 30);
        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(member.Read.Count >= 30), Timeout, "30 records of the new topic read");
        Assert.Equal(3, member.Consumer.Assignment.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"v-{i}").Order(StringComparer.Ordinal), member.Read.Select(r => r.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_static_consumer_restarted_within_its_session_gets_its_partitions_back_without_a_rebalance()
    {
        var topic = LogCluster.NewTopic("groups-static-client");
        await _log.CreateTopicAsync(topic, 4);
        var groupId = GroupTestHelpers.NewGroup("static-client");
        var ownership = new OwnershipLog();
        var options = GroupMember.Options(sessionTimeout: TimeSpan.FromSeconds(30));
        await using var steady = GroupMember.Start(_log, "steady", groupId, topic, ownership, options with { GroupInstanceId = "steady-1" });
        var restarting = GroupMember.Start(_log, "restarting", groupId, topic, ownership, options with { GroupInstanceId = "restarting-1" });
        var before = await GroupTestHelpers.WaitStableAsync(_log, groupId, [steady, restarting], Timeout);
        var partitions = restarting.Consumer.Assignment.Sorted().ToList();
        Assert.Equal(2, partitions.Count);

        await restarting.CloseAsync();
        var whileAway = await _log.Client.Admin.DescribeGroupAsync(groupId);
        Assert.Equal(before.Generation, whileAway.Generation);
        Assert.Equal(2, whileAway.Members.Length);

        await using var restarted = GroupMember.Start(_log, "restarted", groupId, topic, ownership, options with { GroupInstanceId = "restarting-1" });
        var after = await GroupTestHelpers.WaitStableAsync(_log, groupId, [steady, restarted], Timeout);
        Assert.Equal(before.Generation, after.Generation);
        Assert.Equal(partitions, restarted.Consumer.Assignment.Sorted());
        Assert.Equal(0, steady.Consumer.Assignment.Sum(p => ownership.RevocationsOf("steady", p)));
        ownership.ReplayAndCheck();
    }

    [Fact]
    public async Task Cancelling_a_long_poll_heartbeat_ends_it_and_the_member_keeps_its_place()
    {
        var topic = LogCluster.NewTopic("groups-cancel");
        await _log.CreateTopicAsync(topic, 2);
        var group = _log.Cluster.Client.GetGrain<IConsumerGroupGrain>(GroupTestHelpers.NewGroup("cancel"));
        var joined = await group.JoinAsync(new JoinGroupRequest { ClientId = "cancel", Topics = [topic] });
        Assert.Equal(2, joined.Partitions.Length);

        // Nothing changes in the group, so this heartbeat would wait its full 30 s; the caller gives up after 300 ms.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => group.HeartbeatAsync(joined.MemberId, joined.Partitions, TimeSpan.FromSeconds(30), giveUp.Token));
        output.WriteLine($"cancelled after {clock.ElapsedMilliseconds} ms");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));

        var again = await group.HeartbeatAsync(joined.MemberId, joined.Partitions, TimeSpan.Zero);
        Assert.Equal((joined.MemberId, joined.Generation), (again.MemberId, again.Generation));
        Assert.Equal(joined.Partitions, again.Partitions);
        await group.LeaveAsync(joined.MemberId);
    }
}
