using Microsoft.Extensions.Options;

namespace OrleansLog.Partitions;

/// <summary>
/// The silo-wide memory budget all partition tails share; each active partition may hold its fair share. Stream caches on the silo
/// count their bytes in through <see cref="ISiloMemoryBudget"/>, so tails trim sooner while they are full.
/// </summary>
internal sealed class TailMemoryBudget(IOptions<PartitionOptions> options) : ISiloMemoryBudget
{
    private long _bytes;
    private long _otherBytes;
    private int _partitions;

    /// <summary>The bytes all tails on this silo hold.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>How many partitions share the budget.</summary>
    public int Partitions => Volatile.Read(ref _partitions);

    /// <summary>What one partition may hold now: the per-partition limit or its share of the silo budget, whichever is smaller.</summary>
    /// <remarks>Stream caches' bytes come off the budget first: the tails share what they leave.</remarks>
    public long PartitionShare => Math.Min(
        options.Value.TailBytesPerPartition,
        Math.Max(0, options.Value.TailBudgetBytes - Interlocked.Read(ref _otherBytes)) / Math.Max(1, Partitions));

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

    /// <summary>Records bytes a stream cache took or gave back.</summary>
    void ISiloMemoryBudget.Add(long bytes)
    {
        Interlocked.Add(ref _otherBytes, bytes);
        Interlocked.Add(ref _bytes, bytes);
    }
}
