namespace OrleansLog.Groups;

/// <summary>
/// The durable membership of a consumer group: what must survive a move of the grain to another silo, for consumer-protocol members
/// (<see cref="Members"/>) and classic ones (<see cref="Classic"/>). Committed offsets are kept apart, in <see cref="GroupOffsetsState"/>.
/// </summary>
[GenerateSerializer]
internal sealed class ConsumerGroupState
{
    /// <summary>True once the group has had a member or a commit (and until it is deleted).</summary>
    [Id(0)]
    public bool Exists { get; set; }

    /// <summary>The current generation; every membership change starts a new one.</summary>
    [Id(1)]
    public int Generation { get; set; }

    /// <summary>The assignor the group uses.</summary>
    [Id(2)]
    public string Assignor { get; set; } = PartitionAssignors.Default;

    /// <summary>The members with their target and owned partitions.</summary>
    [Id(3)]
    public List<GroupMemberState> Members { get; set; } = [];

    /// <summary>Which protocol the group's members speak (or its last members spoke).</summary>
    [Id(4)]
    public GroupProtocol Protocol { get; set; }

    /// <summary>The classic group (Kafka's JoinGroup members), or null when it never had one.</summary>
    [Id(5)]
    public ClassicGroupState? Classic { get; set; }
}
