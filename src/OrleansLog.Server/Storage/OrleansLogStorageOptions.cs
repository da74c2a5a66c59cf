using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace OrleansLog.Storage;

/// <summary>Where OrleansLog keeps its data in Azure Blob Storage: the account (by connection string or by service URI with Entra ID) and the container.</summary>
/// <remarks>
/// Used by the segment store and, unless told otherwise, by the blob grain storage. Set either
/// <see cref="ConnectionString"/> (Azurite, or an account key) or <see cref="BlobServiceUri"/>
/// (managed identity in Azure); when both are set the connection string wins.
/// </remarks>
public sealed class OrleansLogStorageOptions
{
    /// <summary>The container used when none is configured.</summary>
    public const string DefaultContainerName = "orleanslog";

    /// <summary>A storage connection string, such as Azurite's; takes precedence over <see cref="BlobServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob service endpoint (<c>https://{account}.blob.core.windows.net</c>), authenticated with <c>DefaultAzureCredential</c>.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>The client id of the user-assigned managed identity to authenticate with when using <see cref="BlobServiceUri"/>; null uses the system-assigned identity or other ambient credentials.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The blob container holding OrleansLog's segments and grain state.</summary>
    public string ContainerName { get; set; } = DefaultContainerName;

    /// <summary>Creates a blob service client for the configured account, with retries suited to a log's short, frequent requests.</summary>
    /// <returns>A new client; it opens no connection until first used.</returns>
    /// <exception cref="InvalidOperationException">Neither <see cref="ConnectionString"/> nor <see cref="BlobServiceUri"/> is set.</exception>
    public BlobServiceClient CreateBlobServiceClient()
    {
        var clientOptions = CreateClientOptions();
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return new BlobServiceClient(ConnectionString, clientOptions);
        }

        if (BlobServiceUri is not null)
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ManagedIdentityClientId });
            return new BlobServiceClient(BlobServiceUri, credential, clientOptions);
        }

        throw new InvalidOperationException(MissingAccountMessage);
    }

    /// <summary>The message given when no storage account is configured.</summary>
    internal const string MissingAccountMessage =
        "OrleansLog has no storage account: set OrleansLogStorageOptions.ConnectionString (for Azurite, or an account key) " +
        "or OrleansLogStorageOptions.BlobServiceUri (https://{account}.blob.core.windows.net, authenticated with DefaultAzureCredential).";

    /// <summary>Whether <paramref name="name"/> follows Azure's container naming rules: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.</summary>
    internal static bool IsValidContainerName(string? name)
    {
        if (name is null || name.Length is < 3 or > 63)
        {
            return false;
        }

        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '-')
            {
                if (i == 0 || i == name.Length - 1 || name[i - 1] == '-')
                {
                    return false;
                }
            }
            else if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static BlobClientOptions CreateClientOptions()
    {
        var options = new BlobClientOptions();

        // Exponential back-off, few tries and a short per-try timeout: a stuck request is retried
        // quickly instead of stalling a partition's flush for the SDK's default 100 s.
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 4;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }
}
