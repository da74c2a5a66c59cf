namespace OrleansLog.ClusterTests.Storage;

/// <summary>A grain state shaped like OrleansLog's own: a record with a Guid, longs, a dictionary and a list of positional records.</summary>
[GenerateSerializer]
public sealed record TestLedgerState
{
    /// <summary>An identifier, to check that Guids round-trip.</summary>
    [Id(0)]
    public Guid Id { get; set; }

    /// <summary>A large number, to check that longs round-trip exactly.</summary>
    [Id(1)]
    public long Offset { get; set; }

    /// <summary>Counts by name.</summary>
    [Id(2)]
    public Dictionary<string, long> Counts { get; set; } = [];

    /// <summary>Entries in order.</summary>
    [Id(3)]
    public List<TestLedgerEntry> Entries { get; set; } = [];
}
