using Orleans;
using Orleans.Runtime;

namespace OrleansLog.Storage;

/// <summary>Checks at silo start that a <see cref="BlobGrainStorage"/> provider has a storage account and a valid container name.</summary>
/// <param name="options">The provider's options.</param>
/// <param name="storageOptions">OrleansLog's storage options, used where the provider's own options leave the account or container unset.</param>
/// <param name="name">The provider's name, quoted in error messages.</param>
public sealed class BlobGrainStorageOptionsValidator(BlobGrainStorageOptions options, OrleansLogStorageOptions storageOptions, string name) : IConfigurationValidator
{
    /// <summary>Throws an <see cref="OrleansConfigurationException"/> naming the provider and the setting that is wrong.</summary>
    public void ValidateConfiguration()
    {
        if (options.CreateClient is null
            && string.IsNullOrWhiteSpace(storageOptions.ConnectionString)
            && storageOptions.BlobServiceUri is null)
        {
            throw new OrleansConfigurationException(
                $"Blob grain storage '{name}' has no storage account: set {nameof(BlobGrainStorageOptions)}.{nameof(BlobGrainStorageOptions.CreateClient)}, or configure the account in {nameof(OrleansLogStorageOptions)}. " +
                OrleansLogStorageOptions.MissingAccountMessage);
        }

        var container = options.ContainerName ?? storageOptions.ContainerName;
        if (!OrleansLogStorageOptions.IsValidContainerName(container))
        {
            throw new OrleansConfigurationException(
                $"Blob grain storage '{name}' has an invalid container name '{container}': Azure container names are 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }
    }
}
