namespace OrleansLog.Producers;

/// <summary>The persisted state of the producer id grain: the first id not yet reserved by any activation.</summary>
[GenerateSerializer]
internal sealed class ProducerIdBlock
{
    /// <summary>Ids below this were reserved by some activation (handed out or lost with it); the next block starts here.</summary>
    [Id(0)]
    public long NextBlockStart { get; set; }
}
