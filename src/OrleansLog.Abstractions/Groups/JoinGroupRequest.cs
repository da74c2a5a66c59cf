namespace OrleansLog.Groups;

/// <summary>What a consumer sends to join a group.</summary>
[GenerateSerializer, Immutable]
public sealed record JoinGroupRequest
{
    /// <summary>Kafka's <c>group.instance.id</c>: a static member keeps its partitions across a restart without a rebalance; null for a dynamic member.</summary>
    [Id(0)]
    public string? InstanceId { get; init; }

    /// <summary>Kafka's <c>client.id</c>, shown by describe.</summary>
    [Id(1)]
    public string ClientId { get; init; } = "";

    /// <summary>The host the consumer runs on, shown by describe.</summary>
    [Id(2)]
    public string Host { get; init; } = "";

    /// <summary>The topic names the member subscribes to; topics that do not exist yet are picked up when they are created.</summary>
    [Id(3)]
    public string[] Topics { get; init; } = [];

    /// <summary>Kafka's <c>session.timeout.ms</c>: a member silent for this long is removed and its partitions reassigned.</summary>
    [Id(4)]
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>How long a member may take to revoke partitions it was asked to give up before it is removed.</summary>
    [Id(5)]
    public TimeSpan RebalanceTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Kafka's <c>group.remote.assignor</c>: <c>range</c>, <c>roundrobin</c> or <c>cooperative-sticky</c>; the group uses the one its first member asked for.</summary>
    [Id(6)]
    public string Assignor { get; init; } = "cooperative-sticky";
}
