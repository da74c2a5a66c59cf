using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;

namespace OrleansLog.Clustering;

/// <summary>Where the Azure Table membership table lives and how silos and clients reach it.</summary>
/// <remarks>
/// Storage is reached either by <see cref="ConnectionString"/> (Azurite, or an account key for quick trials) or by
/// <see cref="TableServiceUri"/> with <c>DefaultAzureCredential</c> (managed identity in Azure); set exactly one.
/// </remarks>
public sealed class AzureTableClusteringOptions
{
    /// <summary>The table name used when none is configured.</summary>
    public const string DefaultTableName = "OrleansLogSilos";

    /// <summary>A storage connection string; set this or <see cref="TableServiceUri"/>, not both.</summary>
    [RedactConnectionString]
    public string? ConnectionString { get; set; }

    /// <summary>The account's table endpoint (<c>https://{account}.table.core.windows.net</c>), authenticated with <c>DefaultAzureCredential</c>.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The client id of the user-assigned managed identity <c>DefaultAzureCredential</c> uses with <see cref="TableServiceUri"/>; null for the system-assigned one or a developer login.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The table holding the membership rows: 3–63 letters and digits, starting with a letter.</summary>
    public string TableName { get; set; } = DefaultTableName;

    /// <summary>Creates a table service client for the configured account, with short exponential retries so a slow call fails back to Orleans' own membership retries in time.</summary>
    public TableServiceClient CreateTableServiceClient()
    {
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = 3;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);

        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return new TableServiceClient(ConnectionString, clientOptions);
        }

        if (TableServiceUri is not null)
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ManagedIdentityClientId });
            return new TableServiceClient(TableServiceUri, credential, clientOptions);
        }

        throw new InvalidOperationException(
            "Azure Table clustering has no storage account: set AzureTableClusteringOptions.ConnectionString, or TableServiceUri to use DefaultAzureCredential.");
    }
}
