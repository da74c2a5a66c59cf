namespace OrleansLog.ClusterTests.Storage;

/// <summary>What a <see cref="ILedgerTestGrain"/> holds, and which activation holds it.</summary>
/// <param name="ActivationId">A value made when the activation started, so tests can tell activations apart.</param>
/// <param name="RecordExists">Whether the state was read from (or written to) storage.</param>
/// <param name="State">The state.</param>
[GenerateSerializer]
public sealed record LedgerSnapshot([property: Id(0)] Guid ActivationId, [property: Id(1)] bool RecordExists, [property: Id(2)] TestLedgerState State);
