namespace OrleansLog.Topics;

/// <summary>The durable state of a topic grain.</summary>
[GenerateSerializer]
internal sealed class TopicState
{
    /// <summary>True while the topic exists.</summary>
    [Id(0)]
    public bool Exists { get; set; }

    /// <summary>The id made when the topic was created; segment blobs live under it.</summary>
    [Id(1)]
    public Guid TopicId { get; set; }

    /// <summary>How many partitions the topic has.</summary>
    [Id(2)]
    public int PartitionCount { get; set; }

    /// <summary>The configuration keys set on the topic (the rest take their defaults).</summary>
    [Id(3)]
    public Dictionary<string, string> Configs { get; set; } = [];

    /// <summary>When the topic was created.</summary>
    [Id(4)]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Ids of deleted incarnations of this name whose blobs are still being deleted.</summary>
    [Id(5)]
    public List<Guid> PendingPurges { get; set; } = [];
}
