using OrleansLog.Errors;
using OrleansLog.Groups;

namespace OrleansLog.Tests.Groups;

public sealed class PartitionAssignorTests
{
    public static TheoryData<string> Assignors => new() { "range", "roundrobin", "cooperative-sticky" };

    [Theory]
    [MemberData(nameof(Assignors))]
    public void Every_partition_goes_to_exactly_one_subscribed_member_for_random_groups(string name)
    {
        var random = new Random(42);
        var assignor = PartitionAssignors.Get(name);
        for (var round = 0; round < 300; round++)
        {
            var topics = Enumerable.Range(0, random.Next(1, 4)).ToDictionary(t => $"t{t}", _ => random.Next(1, 13));
            var members = Enumerable.Range(0, random.Next(1, 8))
                .Select(m => Member($"m{m}", [.. topics.Keys.Where(_ => random.Next(3) > 0).DefaultIfEmpty("t0")]))
                .ToList();
            var targets = assignor.Assign(members, topics);

            Assert.Equal(members.Select(m => m.MemberId).Order(), targets.Keys.Order());
            var assigned = targets.SelectMany(t => t.Value.Select(p => (Member: t.Key, Partition: p))).ToList();
            Assert.Equal(assigned.Count, assigned.Select(a => a.Partition).Distinct().Count());
            foreach (var (member, partition) in assigned)
            {
                Assert.Contains(partition.Topic, members.Single(m => m.MemberId == member).Topics);
            }

            var expected = topics.Where(t => members.Any(m => m.Topics.Contains(t.Key))).Sum(t => t.Value);
            Assert.Equal(expected, assigned.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Assignors))]
    public void Members_with_the_same_subscription_get_counts_that_differ_by_at_most_one(string name)
    {
        var assignor = PartitionAssignors.Get(name);
        for (var members = 1; members <= 9; members++)
        {
            for (var partitions = 1; partitions <= 14; partitions++)
            {
                var group = Enumerable.Range(0, members).Select(m => Member($"m{m}", ["t"])).ToList();
                var counts = assignor.Assign(group, new Dictionary<string, int> { ["t"] = partitions }).Values.Select(v => v.Count).ToList();
                Assert.True(counts.Max() - counts.Min() <= 1, $"{name}: {members} members, {partitions} partitions: counts {string.Join(",", counts)}");
            }
        }
    }

    [Fact]
    public void Range_gives_each_member_a_contiguous_range_per_topic_first_members_one_more()
    {
        var targets = new RangeAssignor().Assign([Member("a", ["t"]), Member("b", ["t"]), Member("c", ["t"])], new Dictionary<string, int> { ["t"] = 7 });

        Assert.Equal([0, 1, 2], targets["a"].Select(p => p.Partition));
        Assert.Equal([3, 4], targets["b"].Select(p => p.Partition));
        Assert.Equal([5, 6], targets["c"].Select(p => p.Partition));
    }

    [Fact]
    public void Round_robin_deals_partitions_in_turn()
    {
        var targets = new RoundRobinAssignor().Assign([Member("a", ["t"]), Member("b", ["t"])], new Dictionary<string, int> { ["t"] = 5 });

        Assert.Equal([0, 2, 4], targets["a"].Select(p => p.Partition));
        Assert.Equal([1, 3], targets["b"].Select(p => p.Partition));
    }

    [Fact]
    public void Extra_members_beyond_the_partition_count_get_nothing()
    {
        var members = Enumerable.Range(0, 5).Select(m => Member($"m{m}", ["t"])).ToList();
        var targets = new CooperativeStickyAssignor().Assign(members, new Dictionary<string, int> { ["t"] = 3 });

        Assert.Equal(3, targets.Values.Count(v => v.Count == 1));
        Assert.Equal(2, targets.Values.Count(v => v.Count == 0));
    }

    [Fact]
    public void Cooperative_sticky_moves_only_what_balance_needs_when_members_join_and_leave()
    {
        var random = new Random(7);
        var assignor = new CooperativeStickyAssignor();
        for (var round = 0; round < 200; round++)
        {
            var partitions = random.Next(1, 30);
            var counts = new Dictionary<string, int> { ["t"] = partitions };
            var before = Enumerable.Range(0, random.Next(1, 8)).Select(m => Member($"m{m}", ["t"])).ToList();
            var first = assignor.Assign(before, counts);

            // One member leaves and one joins: every remaining member keeps what it had, up to its new quota.
            var leaving = before[random.Next(before.Count)].MemberId;
            var after = before.Where(m => m.MemberId != leaving).Select(m => m with { Current = first[m.MemberId] }).ToList();
            after.Add(Member("new", ["t"]));
            var second = assignor.Assign(after, counts);

            var quota = (partitions + after.Count - 1) / after.Count;
            foreach (var member in after.Where(m => m.MemberId != "new"))
            {
                var kept = first[member.MemberId].Intersect(second[member.MemberId]).Count();
                Assert.True(kept >= Math.Min(first[member.MemberId].Count, partitions / after.Count), $"{member.MemberId} kept {kept} of {first[member.MemberId].Count}");
                Assert.True(second[member.MemberId].Count <= quota);
            }

            var moved = after.Where(m => m.MemberId != "new").Sum(m => first[m.MemberId].Except(second[m.MemberId]).Count());
            var mustMove = Math.Max(0, second["new"].Count - first[leaving].Count);
            Assert.True(moved <= mustMove + after.Count, $"moved {moved}, needed about {mustMove}");
        }
    }

    [Fact]
    public void Cooperative_sticky_keeps_every_assignment_when_nothing_changed()
    {
        var members = Enumerable.Range(0, 3).Select(m => Member($"m{m}", ["a", "b"])).ToList();
        var counts = new Dictionary<string, int> { ["a"] = 6, ["b"] = 5 };
        var first = new CooperativeStickyAssignor().Assign(members, counts);
        var again = new CooperativeStickyAssignor().Assign([.. members.Select(m => m with { Current = first[m.MemberId] })], counts);

        foreach (var member in members)
        {
            Assert.Equal(first[member.MemberId], again[member.MemberId]);
        }
    }

    [Fact]
    public void Unknown_assignor_names_are_rejected_with_the_known_names()
    {
        var error = Assert.Throws<InvalidRequestException>(() => PartitionAssignors.Get("sticky"));
        Assert.Contains("cooperative-sticky", error.Message);
        Assert.Equal(OrleansLog.Errors.ErrorCode.InvalidRequest, error.ErrorCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/y")]
    public void Invalid_group_ids_are_rejected(string id)
    {
        var error = Assert.Throws<InvalidGroupIdException>(() => GroupId.Validate(id));
        Assert.Equal(OrleansLog.Errors.ErrorCode.InvalidGroupId, error.ErrorCode);
    }

    private static AssignorMember Member(string id, string[] topics) => new(id, null, topics, []);
}
