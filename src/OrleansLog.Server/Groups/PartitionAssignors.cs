using OrleansLog.Errors;

namespace OrleansLog.Groups;

/// <summary>The assignors a group can use, by name.</summary>
internal static class PartitionAssignors
{
    /// <summary>The assignor a group uses when its members do not ask for one.</summary>
    public const string Default = CooperativeStickyAssignor.AssignorName;

    /// <summary>Returns the assignor named <paramref name="name"/>; throws <see cref="InvalidRequestException"/> for an unknown name.</summary>
    public static IPartitionAssignor Get(string name) => name switch
    {
        RangeAssignor.AssignorName => new RangeAssignor(),
        RoundRobinAssignor.AssignorName => new RoundRobinAssignor(),
        CooperativeStickyAssignor.AssignorName => new CooperativeStickyAssignor(),
        _ => throw new InvalidRequestException(
            $"Unknown partition assignor '{name}'; use '{RangeAssignor.AssignorName}', '{RoundRobinAssignor.AssignorName}' or '{CooperativeStickyAssignor.AssignorName}'."),
    };

    /// <summary>An empty target for every member, in member order.</summary>
    public static Dictionary<string, List<TopicPartition>> EmptyTargets(IReadOnlyList<AssignorMember> members)
    {
        var targets = new Dictionary<string, List<TopicPartition>>(members.Count, StringComparer.Ordinal);
        foreach (var member in members)
        {
            targets[member.MemberId] = [];
        }

        return targets;
    }

    /// <summary>The members in their stable order (static instance id, else member id).</summary>
    public static List<AssignorMember> Ordered(IReadOnlyList<AssignorMember> members)
    {
        var ordered = new List<AssignorMember>(members);
        ordered.Sort((a, b) => string.CompareOrdinal(a.SortKey, b.SortKey));
        return ordered;
    }

    /// <summary>The subscribed topics that exist, in ordinal order.</summary>
    public static List<string> SubscribedTopics(IReadOnlyList<AssignorMember> members, IReadOnlyDictionary<string, int> partitionCounts)
    {
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            foreach (var topic in member.Topics)
            {
                if (partitionCounts.ContainsKey(topic))
                {
                    topics.Add(topic);
                }
            }
        }

        return [.. topics];
    }
}
