namespace OrleansLog.Groups;

/// <summary>Kafka's round-robin assignor: all partitions in (topic, partition) order dealt to the members in order, skipping members not subscribed to the topic.</summary>
internal sealed class RoundRobinAssignor : IPartitionAssignor
{
    /// <summary>The assignor's name.</summary>
    public const string AssignorName = "roundrobin";

    public string Name => AssignorName;

    public Dictionary<string, List<TopicPartition>> Assign(IReadOnlyList<AssignorMember> members, IReadOnlyDictionary<string, int> partitionCounts)
    {
        var targets = PartitionAssignors.EmptyTargets(members);
        var ordered = PartitionAssignors.Ordered(members);
        var next = 0;
        foreach (var topic in PartitionAssignors.SubscribedTopics(members, partitionCounts))
        {
            for (var p = 0; p < partitionCounts[topic]; p++)
            {
                while (!ordered[next % ordered.Count].Topics.Contains(topic))
                {
                    next++;
                }

                targets[ordered[next % ordered.Count].MemberId].Add(new TopicPartition(topic, p));
                next++;
            }
        }

        return targets;
    }
}
