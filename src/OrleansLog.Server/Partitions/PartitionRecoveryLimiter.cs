using System.Globalization;
using Microsoft.Extensions.Options;
using OrleansLog.Errors;

namespace OrleansLog.Partitions;

/// <summary>Lets at most <see cref="PartitionOptions.MaxConcurrentRecoveries"/> partitions of one silo recover from storage at once.</summary>
/// <remarks>
/// Recovery reads the manifest, bumps the epoch, takes a lease and scans the active segment: a burst of thousands at once (a
/// producer reaching every partition of a 10,000-partition topic) would otherwise queue tens of thousands of storage requests
/// and hold every activation's memory while they wait.
/// </remarks>
internal sealed class PartitionRecoveryLimiter(IOptions<PartitionOptions> options)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentRecoveries, options.Value.MaxConcurrentRecoveries);

    /// <summary>Recoveries running now.</summary>
    public int Running => options.Value.MaxConcurrentRecoveries - _slots.CurrentCount;

    /// <summary>Runs <paramref name="recover"/> once a slot is free; a wait cut short by <paramref name="cancellationToken"/> (the activation's deadline) is a retriable <see cref="StorageException"/>.</summary>
    public async Task RecoverAsync(PartitionGrainKey partition, Func<CancellationToken, Task> recover, CancellationToken cancellationToken)
    {
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(true);
        }
        catch (OperationCanceledException)
        {
            throw new StorageException(string.Create(
                CultureInfo.InvariantCulture,
                $"Partition {partition.Topic}-{partition.Partition} waited for one of this silo's {options.Value.MaxConcurrentRecoveries} recovery slots (OrleansLog:Partitions:MaxConcurrentRecoveries) until its activation timed out; retry."));
        }

        try
        {
            await recover(cancellationToken).ConfigureAwait(true);
        }
        finally
        {
            _slots.Release();
        }
    }
}
