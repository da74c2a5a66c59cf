namespace OrleansLog.Topics;

/// <summary>What a topic is: its name, id, partition count and configuration.</summary>
[GenerateSerializer, Immutable]
public sealed record TopicDescription(
    [property: Id(0)] string Name,
    [property: Id(1)] Guid TopicId,
    [property: Id(2)] int PartitionCount,
    [property: Id(3)] TopicConfig Config,
    [property: Id(4)] IReadOnlyDictionary<string, string> ConfigOverrides,
    [property: Id(5)] DateTimeOffset CreatedAt);
