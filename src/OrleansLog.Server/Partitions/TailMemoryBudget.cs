using Microsoft.Extensions.Options;

namespace OrleansLog.Partitions;

/// <summary>The silo-wide memory budget all partition tails share; each active partition may hold its fair share.</summary>
internal sealed class TailMemoryBudget(IOptions<PartitionOptions> options)
{
    private long _bytes;
    private int _partitions;

    /// <summary>The bytes all tails on this silo hold.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>How many partitions share the budget.</summary>
    public int Partitions => Volatile.Read(ref _partitions);

    /// <summary>What one partition may hold now: the per-partition limit or its share of the silo budget, whichever is smaller.</summary>
    public long PartitionShare => Math.Min(options.Value.TailBytesPerPartition, options.Value.TailBudgetBytes / Math.Max(1, Partitions));

    /// <summary>True when the silo's tails together exceed the budget.</summary>
    public bool IsOverBudget => Bytes > options.Value.TailBudgetBytes;

    /// <summary>Counts a partition in.</summary>
    public void Register() => Interlocked.Increment(ref _partitions);

    /// <summary>Counts a partition out, returning its bytes.</summary>
    public void Unregister(long bytes)
    {
        Interlocked.Decrement(ref _partitions);
        Interlocked.Add(ref _bytes, -bytes);
    }

    /// <summary>Records bytes added to (positive) or freed from (negative) a tail.</summary>
    public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);
}
