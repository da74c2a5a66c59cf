namespace OrleansLog.Groups;

/// <summary>One member of a consumer group as the group grain keeps it.</summary>
[GenerateSerializer]
internal sealed class GroupMemberState
{
    /// <summary>The member id the group gave the member.</summary>
    [Id(0)]
    public string MemberId { get; set; } = "";

    /// <summary>The static <c>group.instance.id</c>, or null.</summary>
    [Id(1)]
    public string? InstanceId { get; set; }

    /// <summary>The consumer's <c>client.id</c>.</summary>
    [Id(2)]
    public string ClientId { get; set; } = "";

    /// <summary>The consumer's host.</summary>
    [Id(3)]
    public string Host { get; set; } = "";

    /// <summary>The subscribed topic names.</summary>
    [Id(4)]
    public string[] Topics { get; set; } = [];

    /// <summary>How long the member may stay silent before it is removed.</summary>
    [Id(5)]
    public TimeSpan SessionTimeout { get; set; }

    /// <summary>How long the member may take to revoke partitions before it is removed.</summary>
    [Id(6)]
    public TimeSpan RebalanceTimeout { get; set; }

    /// <summary>The partitions the assignor wants the member to own.</summary>
    [Id(7)]
    public List<TopicPartition> Target { get; set; } = [];

    /// <summary>
    /// The partitions the member may be consuming: granted to it and not yet revoked. A partition is in at most one member's set; it leaves
    /// this set only when the member reports it revoked or the member is removed.
    /// </summary>
    [Id(8)]
    public List<TopicPartition> Owned { get; set; } = [];

    /// <summary>True for a static member that closed: it keeps its partitions (unconsumed) until it rejoins or its session expires.</summary>
    [Id(9)]
    public bool Departed { get; set; }

    /// <summary>True while the member owns partitions outside its target: it has been asked to revoke them and has not yet.</summary>
    public bool HasPendingRevocations()
    {
        foreach (var partition in Owned)
        {
            if (!Target.Contains(partition))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A deep copy, so a write in flight never sees later changes.</summary>
    public GroupMemberState Clone() => new()
    {
        MemberId = MemberId,
        InstanceId = InstanceId,
        ClientId = ClientId,
        Host = Host,
        Topics = Topics,
        SessionTimeout = SessionTimeout,
        RebalanceTimeout = RebalanceTimeout,
        Target = [.. Target],
        Owned = [.. Owned],
        Departed = Departed,
    };
}
