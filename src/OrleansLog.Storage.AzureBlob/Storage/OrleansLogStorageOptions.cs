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

    /// <summary>
    /// How long one try of a blob request may go without an answer before it is abandoned (the storage client's network timeout).
    /// A request is tried <see cref="MaxRetries"/> + 1 times, so one that hangs fails with a <see cref="Errors.StorageException"/>
    /// after at most about (<see cref="MaxRetries"/> + 1) times this, well inside a grain call's 30 s response timeout.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times the storage client retries a request that failed transiently or timed out.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>
    /// The most blob requests one silo has in flight at once (segments and grain state together); further requests wait for a
    /// slot. Bounds the load a burst of activations puts on the storage account or emulator.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 64;

    private StorageRequestLimiter? _limiter;

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

    /// <summary>Checks the request settings; returns what is wrong, naming the setting, or null when they are fine.</summary>
    internal string? ValidateRequestSettings()
    {
        if (RequestTimeout <= TimeSpan.Zero)
        {
            return $"OrleansLog:Storage:RequestTimeout must be positive; got {RequestTimeout}.";
        }

        if (MaxRetries is < 0 or > 10)
        {
            return $"OrleansLog:Storage:MaxRetries must be 0 to 10; got {MaxRetries}.";
        }

        return MaxConcurrentRequests < 1
            ? $"OrleansLog:Storage:MaxConcurrentRequests must be at least 1; got {MaxConcurrentRequests}."
            : null;
    }

    private BlobClientOptions CreateClientOptions()
    {
        if (ValidateRequestSettings() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var options = new BlobClientOptions();

        // Exponential back-off, few tries and a short per-try timeout: a stuck request is abandoned and retried quickly, and
        // one that never answers fails the call with a StorageException instead of stalling it for the SDK's default 100 s.
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = RequestTimeout;

        // One limiter per options instance: every client the silo makes from its options shares the same slots.
        var limiter = LazyInitializer.EnsureInitialized(ref _limiter, () => new StorageRequestLimiter(MaxConcurrentRequests));
        options.AddPolicy(limiter, HttpPipelinePosition.PerRetry);
        return options;
    }

    /// <summary>The limiter the clients made from these options share (created with the first client).</summary>
    internal StorageRequestLimiter? Limiter => _limiter;
}
