using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace OrleansLog.Clustering;

/// <summary>Checks <see cref="AzureTableClusteringOptions"/> when a silo or client starts, with a message naming the setting and the rule it breaks.</summary>
public sealed class AzureTableClusteringOptionsValidator(IOptions<AzureTableClusteringOptions> options, IOptions<ClusterOptions> clusterOptions) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        var value = options.Value;
        var hasConnectionString = !string.IsNullOrWhiteSpace(value.ConnectionString);
        if (!hasConnectionString && value.TableServiceUri is null)
        {
            throw new OrleansConfigurationException(
                "Azure Table clustering needs a storage account: set AzureTableClusteringOptions.ConnectionString, or TableServiceUri (with DefaultAzureCredential).");
        }

        if (hasConnectionString && value.TableServiceUri is not null)
        {
            throw new OrleansConfigurationException(
                "Azure Table clustering has both ConnectionString and TableServiceUri set: set exactly one.");
        }

        if (value.TableServiceUri is { IsAbsoluteUri: false } || value.TableServiceUri is { Scheme: not ("https" or "http") })
        {
            throw new OrleansConfigurationException(
                $"Azure Table clustering TableServiceUri '{value.TableServiceUri}' must be an absolute http(s) URI such as https://myaccount.table.core.windows.net.");
        }

        if (!IsValidTableName(value.TableName))
        {
            throw new OrleansConfigurationException(
                $"Azure Table clustering TableName '{value.TableName}' is invalid: use 3 to 63 letters and digits, starting with a letter.");
        }

        // The cluster id is the partition key of every row.
        var clusterId = clusterOptions.Value.ClusterId;
        if (string.IsNullOrEmpty(clusterId) || clusterId.Length > 512 || clusterId.AsSpan().IndexOfAny("/\\#?") >= 0 || clusterId.Any(char.IsControl))
        {
            throw new OrleansConfigurationException(
                $"Azure Table clustering can't use ClusterOptions.ClusterId '{clusterId}' as a partition key: use 1 to 512 characters without '/', '\\', '#', '?' or control characters.");
        }
    }

    private static bool IsValidTableName(string? name)
    {
        if (name is null || name.Length is < 3 or > 63 || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
