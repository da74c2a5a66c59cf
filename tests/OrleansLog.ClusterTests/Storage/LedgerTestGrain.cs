namespace OrleansLog.ClusterTests.Storage;

/// <summary>Keeps a <see cref="TestLedgerState"/> in the silo's default grain storage.</summary>
/// <param name="state">The persistent state, named "ledger", in the default provider.</param>
public sealed class LedgerTestGrain([PersistentState("ledger")] IPersistentState<TestLedgerState> state) : Grain, ILedgerTestGrain
{
    private readonly Guid _activationId = Guid.NewGuid();

    /// <inheritdoc />
    public async Task AddAsync(string name, long value)
    {
        state.State.Entries.Add(new TestLedgerEntry(name, value));
        state.State.Counts[name] = state.State.Counts.GetValueOrDefault(name) + 1;
        state.State.Offset += value;
        if (state.State.Id == Guid.Empty)
        {
            state.State.Id = Guid.NewGuid();
        }

        await state.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<LedgerSnapshot> GetAsync() => Task.FromResult(new LedgerSnapshot(_activationId, state.RecordExists, state.State));
}
