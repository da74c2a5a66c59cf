namespace OrleansLog.ClusterTests.Storage;

/// <summary>One entry of a <see cref="TestLedgerState"/>: a positional record.</summary>
/// <param name="Name">The entry's name.</param>
/// <param name="Value">The entry's value.</param>
[GenerateSerializer]
public sealed record TestLedgerEntry([property: Id(0)] string Name, [property: Id(1)] long Value);
