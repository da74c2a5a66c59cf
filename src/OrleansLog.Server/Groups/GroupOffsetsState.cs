namespace OrleansLog.Groups;

/// <summary>
/// The durable committed offsets of a consumer group, kept apart from its membership (<see cref="ConsumerGroupState"/>) so a commit writes
/// only offsets.
/// </summary>
[GenerateSerializer]
internal sealed class GroupOffsetsState
{
    /// <summary>The committed offsets, one per partition.</summary>
    [Id(0)]
    public List<CommittedOffset> Offsets { get; set; } = [];
}
