namespace OrleansLog.Groups;

/// <summary>
/// One member of a consumer group, as describe shows it. For a classic member, <see cref="Topics"/> and <see cref="Assignment"/> are
/// read from its metadata and assignment bytes when its protocol type is <c>consumer</c>, and the bytes themselves are kept for Kafka's
/// DescribeGroups.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GroupMemberDescription(
    [property: Id(0)] string MemberId,
    [property: Id(1)] string? InstanceId,
    [property: Id(2)] string ClientId,
    [property: Id(3)] string Host,
    [property: Id(4)] string[] Topics,
    [property: Id(5)] TopicPartition[] Assignment,
    [property: Id(6)] TopicPartition[] TargetAssignment,
    [property: Id(7)] byte[]? ProtocolMetadata = null,
    [property: Id(8)] byte[]? AssignmentBytes = null);
