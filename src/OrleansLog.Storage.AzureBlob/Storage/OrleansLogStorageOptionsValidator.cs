using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;

namespace OrleansLog.Storage;

/// <summary>Checks at silo start that <see cref="OrleansLogStorageOptions"/> name a storage account and a valid container.</summary>
public sealed class OrleansLogStorageOptionsValidator(IOptions<OrleansLogStorageOptions> options) : IConfigurationValidator
{
    /// <summary>Throws an <see cref="OrleansConfigurationException"/> naming the setting that is wrong and how to fix it.</summary>
    public void ValidateConfiguration()
    {
        var value = options.Value;
        if (string.IsNullOrWhiteSpace(value.ConnectionString) && value.BlobServiceUri is null)
        {
            throw new OrleansConfigurationException(OrleansLogStorageOptions.MissingAccountMessage);
        }

        if (!OrleansLogStorageOptions.IsValidContainerName(value.ContainerName))
        {
            throw new OrleansConfigurationException(
                $"OrleansLogStorageOptions.ContainerName '{value.ContainerName}' is invalid: Azure container names are 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }
    }
}
