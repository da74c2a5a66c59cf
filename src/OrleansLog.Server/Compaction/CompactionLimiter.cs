using Microsoft.Extensions.Options;
using OrleansLog.Partitions;

namespace OrleansLog.Compaction;

/// <summary>
/// What all compactions on one silo share: at most <see cref="PartitionOptions.MaxConcurrentCompactions"/> run at once, and together
/// they read and write at most <see cref="PartitionOptions.CompactionBytesPerSecond"/>, so compaction never crowds out appends and
/// fetches for storage bandwidth or memory (each one holds a key map of <see cref="PartitionOptions.CompactionMemoryBytes"/>).
/// </summary>
internal sealed class CompactionLimiter(IOptions<PartitionOptions> options, TimeProvider time)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentCompactions, options.Value.MaxConcurrentCompactions);
    private readonly Lock _lock = new();
    private long _nextFree;

    /// <summary>Runs <paramref name="compaction"/> once a slot is free.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> compaction, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(true);
        try
        {
            return await compaction().ConfigureAwait(true);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Waits until the silo's compaction bandwidth allows <paramref name="bytes"/> more (a token bucket one second deep).</summary>
    public Task ThrottleAsync(long bytes, CancellationToken cancellationToken)
    {
        var rate = options.Value.CompactionBytesPerSecond;
        if (rate <= 0 || bytes <= 0)
        {
            return Task.CompletedTask;
        }

        TimeSpan wait;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var frequency = time.TimestampFrequency;
            var start = Math.Max(_nextFree, now - frequency); // up to one second of unused bandwidth carries over
            _nextFree = start + (long)((double)bytes / rate * frequency);
            wait = TimeSpan.FromSeconds((double)(_nextFree - now) / frequency);
        }

        return wait > TimeSpan.Zero ? Task.Delay(wait, time, cancellationToken) : Task.CompletedTask;
    }
}
