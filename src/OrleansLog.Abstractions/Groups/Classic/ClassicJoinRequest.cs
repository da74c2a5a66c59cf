namespace OrleansLog.Groups.Classic;

/// <summary>
/// A JoinGroup of Kafka's classic group protocol, as the Kafka listener hands it to the group grain. The group relays protocol
/// metadata and assignments as opaque bytes: the client leader computes the assignment.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ClassicJoinRequest
{
    /// <summary>The member id from an earlier join, or empty for a new member.</summary>
    [Id(0)]
    public string MemberId { get; init; } = "";

    /// <summary>Kafka's <c>group.instance.id</c> (static membership), or null for a dynamic member.</summary>
    [Id(1)]
    public string? InstanceId { get; init; }

    /// <summary>Kafka's <c>client.id</c>, shown by describe.</summary>
    [Id(2)]
    public string ClientId { get; init; } = "";

    /// <summary>The client's address, shown by describe.</summary>
    [Id(3)]
    public string ClientHost { get; init; } = "";

    /// <summary>Kafka's <c>session.timeout.ms</c>: a member without a heartbeat for this long is removed.</summary>
    [Id(4)]
    public TimeSpan SessionTimeout { get; init; }

    /// <summary>How long the join barrier waits for every known member to rejoin (Kafka's <c>max.poll.interval.ms</c> for consumers).</summary>
    [Id(5)]
    public TimeSpan RebalanceTimeout { get; init; }

    /// <summary>The protocol type, <c>consumer</c> for consumers (Kafka Connect uses <c>connect</c>); all members must agree on it.</summary>
    [Id(6)]
    public string ProtocolType { get; init; } = "";

    /// <summary>The assignment protocols the member supports, in its order of preference, each with its metadata (subscription) bytes.</summary>
    [Id(7)]
    public ClassicProtocol[] Protocols { get; init; } = [];

    /// <summary>
    /// True from JoinGroup v4: a new dynamic member is first given its member id with MEMBER_ID_REQUIRED and must join again with it
    /// (KIP-394), so a member that never comes back does not hold up the rebalance.
    /// </summary>
    [Id(8)]
    public bool RequireKnownMemberId { get; init; }

    /// <summary>Why the member joins (KIP-800), for the log; may be null.</summary>
    [Id(9)]
    public string? Reason { get; init; }
}

/// <summary>One assignment protocol a classic member supports (an assignor such as <c>range</c> or <c>RoundRobinAssigner</c>), with its metadata bytes.</summary>
[GenerateSerializer, Immutable]
public sealed record ClassicProtocol([property: Id(0)] string Name, [property: Id(1)] byte[] Metadata);
