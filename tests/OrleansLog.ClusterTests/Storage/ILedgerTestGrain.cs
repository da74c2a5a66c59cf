namespace OrleansLog.ClusterTests.Storage;

/// <summary>A tiny grain that keeps a <see cref="TestLedgerState"/> in the default grain storage.</summary>
public interface ILedgerTestGrain : IGrainWithStringKey
{
    /// <summary>Adds an entry, counts it, and writes the state.</summary>
    Task AddAsync(string name, long value);

    /// <summary>Returns the state this activation holds and the activation's identity.</summary>
    Task<LedgerSnapshot> GetAsync();
}
