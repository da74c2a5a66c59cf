namespace OrleansLog.Partitions;

/// <summary>
/// The memory a silo gives OrleansLog's in-memory data (partition tails, stream caches); registered by the silo that hosts OrleansLog,
/// so other components on the silo (the Orleans streams provider) count their bytes in and give way when it is full.
/// </summary>
public interface ISiloMemoryBudget
{
    /// <summary>True when the silo's tails and caches together hold more than the budget.</summary>
    bool IsOverBudget { get; }

    /// <summary>Records bytes taken (positive) or given back (negative).</summary>
    void Add(long bytes);
}
