using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansLog.Hosting;
using OrleansLog.Segments;

namespace OrleansLog.Storage;

/// <summary>Checks at silo start that OrleansLog's grains have storage: a segment store and the grain storage they name.</summary>
/// <remarks>
/// <see cref="OrleansLogSiloBuilderExtensions.AddOrleansLog"/> adds no storage of its own; without this check a silo missing it
/// would start and fail each grain's first activation instead.
/// </remarks>
internal sealed class StorageRegistrationValidator(IServiceProvider services) : IConfigurationValidator
{
    /// <summary>The message given when no storage is added.</summary>
    internal const string MissingStorageMessage =
        "OrleansLog has no storage: AddOrleansLog adds the grains, and their segments and state need a store as well. " +
        "Add one to the silo, such as AddOrleansLogAzureBlobStorage (OrleansLog.Storage.AzureBlob) for Azure Blob Storage.";

    /// <summary>Throws an <see cref="OrleansConfigurationException"/> when the segment store or the grain storage is missing.</summary>
    public void ValidateConfiguration()
    {
        // Asks what is registered without creating anything (a provider may connect to storage); a container that cannot tell skips the check.
        if (services.GetService<IServiceProviderIsKeyedService>() is not { } registered)
        {
            return;
        }

        if (!registered.IsService(typeof(ISegmentStore))
            || !registered.IsKeyedService(typeof(IGrainStorage), OrleansLogSiloBuilderExtensions.StorageName))
        {
            throw new OrleansConfigurationException(MissingStorageMessage);
        }
    }
}
