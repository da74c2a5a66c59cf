using OrleansLog.Groups.Classic;

namespace OrleansLog.Groups;

/// <summary>
/// One member of a classic group as the group grain keeps it: what it sent in its last JoinGroup, the assignment bytes its leader gave
/// it, and (not persisted) the JoinGroup or SyncGroup it waits on and when it was last heard from.
/// </summary>
[GenerateSerializer]
internal sealed class ClassicMember
{
    /// <summary>The member id the group gave the member.</summary>
    [Id(0)]
    public string MemberId { get; set; } = "";

    /// <summary>The static <c>group.instance.id</c>, or null.</summary>
    [Id(1)]
    public string? InstanceId { get; set; }

    /// <summary>The client's <c>client.id</c>.</summary>
    [Id(2)]
    public string ClientId { get; set; } = "";

    /// <summary>The client's address.</summary>
    [Id(3)]
    public string ClientHost { get; set; } = "";

    /// <summary>How long the member may stay silent before it is removed.</summary>
    [Id(4)]
    public TimeSpan SessionTimeout { get; set; }

    /// <summary>How long the join barrier waits for the member.</summary>
    [Id(5)]
    public TimeSpan RebalanceTimeout { get; set; }

    /// <summary>The assignment protocols the member supports, in its order of preference, with their metadata.</summary>
    [Id(6)]
    public ClassicProtocol[] Protocols { get; set; } = [];

    /// <summary>The assignment bytes of the current generation; empty until the leader sent them.</summary>
    [Id(7)]
    public byte[] Assignment { get; set; } = [];

    /// <summary>The order members joined in: the first to join leads when the leader is gone.</summary>
    [Id(8)]
    public long JoinOrder { get; set; }

    /// <summary>The JoinGroup the member waits on while the barrier is open, or null.</summary>
    [field: NonSerialized]
    public TaskCompletionSource<ClassicJoinResult>? AwaitingJoin { get; set; }

    /// <summary>The SyncGroup the member waits on until the leader sends the assignment, or null.</summary>
    [field: NonSerialized]
    public TaskCompletionSource<ClassicSyncResult>? AwaitingSync { get; set; }

    /// <summary>When the member was last heard from (a <see cref="TimeProvider"/> timestamp).</summary>
    [field: NonSerialized]
    public long LastHeard { get; set; }

    /// <summary>The metadata the member sent for <paramref name="protocol"/>, or empty.</summary>
    public byte[] MetadataFor(string? protocol)
    {
        foreach (var candidate in Protocols)
        {
            if (candidate.Name == protocol)
            {
                return candidate.Metadata;
            }
        }

        return [];
    }

    /// <summary>True when <paramref name="protocols"/> are the member's, names, order and metadata.</summary>
    public bool SameProtocols(ClassicProtocol[] protocols)
    {
        if (protocols.Length != Protocols.Length)
        {
            return false;
        }

        for (var i = 0; i < protocols.Length; i++)
        {
            if (protocols[i].Name != Protocols[i].Name || !protocols[i].Metadata.AsSpan().SequenceEqual(Protocols[i].Metadata))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A copy of the durable part, so a write in flight never sees later changes.</summary>
    public ClassicMember Clone() => new()
    {
        MemberId = MemberId,
        InstanceId = InstanceId,
        ClientId = ClientId,
        ClientHost = ClientHost,
        SessionTimeout = SessionTimeout,
        RebalanceTimeout = RebalanceTimeout,
        Protocols = Protocols,
        Assignment = Assignment,
        JoinOrder = JoinOrder,
    };
}
