using Orleans.Storage;
using OrleansLog.Errors;

namespace OrleansLog.Partitions;

/// <summary>
/// Reads and writes a partition's manifest, one change at a time. Writes are ETag-conditional, so a conflict means another
/// activation owns the log now: it surfaces as <see cref="NotLeaderException"/>, the fencing error.
/// </summary>
internal sealed class ManifestWriter(IPersistentState<PartitionManifest> state, PartitionGrainKey key)
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>The manifest as this activation last read or wrote it.</summary>
    public PartitionManifest Current => state.State;

    /// <summary>Applies <paramref name="change"/> and writes the manifest.</summary>
    /// <exception cref="NotLeaderException">Another activation changed the manifest: this one is fenced.</exception>
    public async Task UpdateAsync(Action<PartitionManifest> change)
    {
        await _lock.WaitAsync();
        try
        {
            change(state.State);
            await state.WriteStateAsync();
        }
        catch (InconsistentStateException e)
        {
            throw new NotLeaderException($"The manifest of {key.Topic}-{key.Partition} was changed by another activation; this one is fenced. Retry.", e);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Re-reads the manifest: a newer leader epoch there means another activation owns the log and this one is a zombie.</summary>
    /// <exception cref="NotLeaderException">The stored epoch is newer than this activation's.</exception>
    public async Task CheckLeaderEpochAsync()
    {
        var epoch = state.State.LeaderEpoch;
        await _lock.WaitAsync();
        try
        {
            await state.ReadStateAsync();
        }
        finally
        {
            _lock.Release();
        }

        if (state.State.LeaderEpoch != epoch)
        {
            throw new NotLeaderException($"Partition {key.Topic}-{key.Partition} is at leader epoch {state.State.LeaderEpoch}; this activation has epoch {epoch} and is fenced. Retry.");
        }
    }

    /// <summary>Deletes the manifest: the partition's topic is gone.</summary>
    public async Task ClearAsync()
    {
        await _lock.WaitAsync();
        try
        {
            await state.ClearStateAsync();
        }
        finally
        {
            _lock.Release();
        }
    }
}
