namespace OrleansLog.Groups;

/// <summary>Computes a group's target assignment: every partition of a subscribed topic goes to exactly one member subscribed to that topic.</summary>
internal interface IPartitionAssignor
{
    /// <summary>The name consumers ask for (Kafka's <c>range</c>, <c>roundrobin</c>, <c>cooperative-sticky</c>).</summary>
    string Name { get; }

    /// <summary>The target of every member (each member id present, possibly with no partitions), given each existing topic's partition count.</summary>
    Dictionary<string, List<TopicPartition>> Assign(IReadOnlyList<AssignorMember> members, IReadOnlyDictionary<string, int> partitionCounts);
}
