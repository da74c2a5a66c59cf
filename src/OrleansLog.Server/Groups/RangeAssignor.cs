namespace OrleansLog.Groups;

/// <summary>Kafka's range assignor: per topic, the subscribers in order each get a contiguous range; the first ones get one more when it does not divide.</summary>
internal sealed class RangeAssignor : IPartitionAssignor
{
    /// <summary>The assignor's name.</summary>
    public const string AssignorName = "range";

    public string Name => AssignorName;

    public Dictionary<string, List<TopicPartition>> Assign(IReadOnlyList<AssignorMember> members, IReadOnlyDictionary<string, int> partitionCounts)
    {
        var targets = PartitionAssignors.EmptyTargets(members);
        var ordered = PartitionAssignors.Ordered(members);
        foreach (var topic in PartitionAssignors.SubscribedTopics(members, partitionCounts))
        {
            var subscribers = ordered.FindAll(m => m.Topics.Contains(topic));
            var count = partitionCounts[topic];
            var each = count / subscribers.Count;
            var extra = count % subscribers.Count;
            var next = 0;
            for (var i = 0; i < subscribers.Count; i++)
            {
                var take = each + (i < extra ? 1 : 0);
                for (var p = next; p < next + take; p++)
                {
                    targets[subscribers[i].MemberId].Add(new TopicPartition(topic, p));
                }

                next += take;
            }
        }

        return targets;
    }
}
