namespace OrleansLog.Groups;

/// <summary>A consumer group: state, generation, assignor, members with their assignments, and committed offsets.</summary>
[GenerateSerializer, Immutable]
public sealed record GroupDescription(
    [property: Id(0)] string GroupId,
    [property: Id(1)] GroupState State,
    [property: Id(2)] int Generation,
    [property: Id(3)] string Assignor,
    [property: Id(4)] GroupMemberDescription[] Members,
    [property: Id(5)] CommittedOffset[] Offsets,
    [property: Id(6)] string Host);
