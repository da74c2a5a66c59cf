namespace OrleansLog.Groups;

/// <summary>The durable part of a classic group: its generation, chosen protocol, leader and members with their assignments.</summary>
[GenerateSerializer]
internal sealed class ClassicGroupState
{
    /// <summary>The current generation.</summary>
    [Id(0)]
    public int Generation { get; set; }

    /// <summary>The members' protocol type, or null while the group has had no member.</summary>
    [Id(1)]
    public string? ProtocolType { get; set; }

    /// <summary>The assignment protocol chosen for the generation, or null.</summary>
    [Id(2)]
    public string? ProtocolName { get; set; }

    /// <summary>The member that computes the assignment, or null.</summary>
    [Id(3)]
    public string? LeaderId { get; set; }

    /// <summary>True when the generation's assignment was complete (the group was Stable).</summary>
    [Id(4)]
    public bool Stable { get; set; }

    /// <summary>The members.</summary>
    [Id(5)]
    public List<ClassicMember> Members { get; set; } = [];
}
