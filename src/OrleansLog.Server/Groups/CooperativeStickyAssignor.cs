namespace OrleansLog.Groups;

/// <summary>
/// Kafka's cooperative-sticky assignor: as balanced as round-robin (counts differ by at most one where subscriptions allow), while every member
/// keeps as many of its current partitions as balance permits, so a rebalance moves only the partitions it has to.
/// </summary>
internal sealed class CooperativeStickyAssignor : IPartitionAssignor
{
    /// <summary>The assignor's name.</summary>
    public const string AssignorName = "cooperative-sticky";

    public string Name => AssignorName;

    public Dictionary<string, List<TopicPartition>> Assign(IReadOnlyList<AssignorMember> members, IReadOnlyDictionary<string, int> partitionCounts)
    {
        var targets = PartitionAssignors.EmptyTargets(members);
        if (members.Count == 0)
        {
            return targets;
        }

        var ordered = PartitionAssignors.Ordered(members);
        var all = new List<TopicPartition>();
        foreach (var topic in PartitionAssignors.SubscribedTopics(members, partitionCounts))
        {
            for (var p = 0; p < partitionCounts[topic]; p++)
            {
                all.Add(new TopicPartition(topic, p));
            }
        }

        var taken = new HashSet<TopicPartition>();
        var minQuota = all.Count / ordered.Count;
        var membersAtMax = all.Count % ordered.Count;

        // Keep current partitions, up to the quota: at most (count mod members) members may hold one more than the rest.
        foreach (var member in ordered)
        {
            var kept = targets[member.MemberId];
            var current = new List<TopicPartition>(member.Current);
            current.Sort();
            foreach (var partition in current)
            {
                var quota = minQuota + (membersAtMax > 0 ? 1 : 0);
                if (kept.Count >= quota || !member.Topics.Contains(partition.Topic)
                    || !partitionCounts.TryGetValue(partition.Topic, out var count) || partition.Partition >= count || !taken.Add(partition))
                {
                    continue;
                }

                kept.Add(partition);
            }

            if (kept.Count > minQuota)
            {
                membersAtMax--;
            }
        }

        // Hand out the rest, each to the least loaded subscriber.
        foreach (var partition in all)
        {
            if (taken.Contains(partition))
            {
                continue;
            }

            AssignorMember? best = null;
            foreach (var member in ordered)
            {
                if (member.Topics.Contains(partition.Topic) && (best is null || targets[member.MemberId].Count < targets[best.MemberId].Count))
                {
                    best = member;
                }
            }

            targets[best!.MemberId].Add(partition);
        }

        Balance(ordered, targets);
        foreach (var target in targets.Values)
        {
            target.Sort();
        }

        return targets;
    }

    // Moves single partitions from the most to the least loaded member while that narrows the gap; only matters when subscriptions differ.
    private static void Balance(List<AssignorMember> ordered, Dictionary<string, List<TopicPartition>> targets)
    {
        var moved = true;
        while (moved)
        {
            moved = false;
            foreach (var from in ordered)
            {
                foreach (var to in ordered)
                {
                    var source = targets[from.MemberId];
                    var sink = targets[to.MemberId];
                    if (source.Count <= sink.Count + 1)
                    {
                        continue;
                    }

                    var index = source.FindLastIndex(p => to.Topics.Contains(p.Topic));
                    if (index < 0)
                    {
                        continue;
                    }

                    sink.Add(source[index]);
                    source.RemoveAt(index);
                    moved = true;
                }
            }
        }
    }
}
