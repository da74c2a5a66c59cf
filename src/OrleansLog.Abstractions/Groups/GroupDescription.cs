namespace OrleansLog.Groups;

/// <summary>
/// A consumer group: state, generation, assignor, members with their assignments, and committed offsets. For a classic group (Kafka
/// clients' JoinGroup), <see cref="Assignor"/> is the assignment protocol its members chose for this generation (empty while none is).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GroupDescription(
    [property: Id(0)] string GroupId,
    [property: Id(1)] GroupState State,
    [property: Id(2)] int Generation,
    [property: Id(3)] string Assignor,
    [property: Id(4)] GroupMemberDescription[] Members,
    [property: Id(5)] CommittedOffset[] Offsets,
    [property: Id(6)] string Host,
    [property: Id(7)] GroupProtocol Protocol = GroupProtocol.Consumer,
    [property: Id(8)] string? ProtocolType = null);
