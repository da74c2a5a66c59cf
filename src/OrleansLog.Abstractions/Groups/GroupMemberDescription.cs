namespace OrleansLog.Groups;

/// <summary>One member of a consumer group, as describe shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record GroupMemberDescription(
    [property: Id(0)] string MemberId,
    [property: Id(1)] string? InstanceId,
    [property: Id(2)] string ClientId,
    [property: Id(3)] string Host,
    [property: Id(4)] string[] Topics,
    [property: Id(5)] TopicPartition[] Assignment,
    [property: Id(6)] TopicPartition[] TargetAssignment);
