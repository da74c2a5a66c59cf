using Orleans.Storage;

namespace OrleansLog.Storage;

/// <summary>
/// The grain storage OrleansLog's grains use: a storage provider underneath (Orleans' Azure Blob provider, added by
/// <c>OrleansLog.Storage.AzureBlob</c>), with a request that storage never answered
/// (network timeout after the client's retries, lost connection) surfacing as OrleansLog's retriable
/// <see cref="Errors.StorageException"/> naming the state, instead of the provider's own exception. ETag conflicts
/// (<see cref="InconsistentStateException"/>) and every other failure pass through unchanged.
/// </summary>
internal sealed class TypedFailureGrainStorage(IGrainStorage inner) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ReadStateAsync(stateName, grainId, grainState).ConfigureAwait(false);
        }
        catch (Exception error) when (IsUnanswered(error))
        {
            throw StorageFailures.Create($"Reading grain state '{stateName}' of {grainId}", error);
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState).ConfigureAwait(false);
        }
        catch (Exception error) when (IsUnanswered(error))
        {
            throw StorageFailures.Create($"Writing grain state '{stateName}' of {grainId}", error);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        try
        {
            await inner.ClearStateAsync(stateName, grainId, grainState).ConfigureAwait(false);
        }
        catch (Exception error) when (IsUnanswered(error))
        {
            throw StorageFailures.Create($"Clearing grain state '{stateName}' of {grainId}", error);
        }
    }

    // The provider may wrap the storage client's exception in its own; look through the wrappers.
    private static bool IsUnanswered(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is InconsistentStateException)
            {
                return false;
            }

            if (StorageFailures.IsUnanswered(e, CancellationToken.None))
            {
                return true;
            }
        }

        return false;
    }
}
