using System.Globalization;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace OrleansLog.Clustering.Hosting;

/// <summary>Lets a client join an OrleansLog cluster from the same <c>OrleansLog</c> configuration section its silos read.</summary>
public static class OrleansLogClusterClientExtensions
{
    /// <summary>
    /// Joins the cluster that <paramref name="configuration"/> describes: <c>OrleansLog:Silo</c> (ClusterId, ServiceId, GatewayPort)
    /// and <c>OrleansLog:Clustering</c> (Provider <c>Localhost</c> or <c>AzureTable</c>, with ConnectionString or TableServiceUri,
    /// ManagedIdentityClientId and TableName; the account falls back to <c>OrleansLog:Storage</c>'s, as on the silos).
    /// </summary>
    public static IClientBuilder UseOrleansLogCluster(this IClientBuilder client, IConfiguration configuration)
    {
        var silo = configuration.GetSection("OrleansLog:Silo");
        var clustering = configuration.GetSection("OrleansLog:Clustering");
        var storage = configuration.GetSection("OrleansLog:Storage");
        var clusterId = silo["ClusterId"] ?? "orleanslog";
        var serviceId = silo["ServiceId"] ?? "orleanslog";
        var provider = clustering["Provider"] ?? "Localhost";
        if (string.Equals(provider, "Localhost", StringComparison.OrdinalIgnoreCase))
        {
            var gatewayPort = int.Parse(silo["GatewayPort"] ?? "30000", CultureInfo.InvariantCulture);
            return client.UseLocalhostClustering(gatewayPort, serviceId, clusterId);
        }

        if (!string.Equals(provider, "AzureTable", StringComparison.OrdinalIgnoreCase))
        {
            throw new OrleansConfigurationException($"OrleansLog:Clustering:Provider '{provider}' is unknown; use Localhost or AzureTable.");
        }

        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = clusterId;
            o.ServiceId = serviceId;
        });
        return client.UseAzureTableClustering(o =>
        {
            // As on the silos: without a table account of its own, membership lives in the storage account, and a blob
            // endpoint https://account.blob.core.windows.net implies the table endpoint https://account.table.core.windows.net.
            var tableUri = clustering["TableServiceUri"];
            var blobUri = storage["BlobServiceUri"];
            o.ConnectionString = clustering["ConnectionString"] ?? (tableUri is null ? storage["ConnectionString"] : null);
            o.TableServiceUri = tableUri is not null ? new Uri(tableUri)
                : o.ConnectionString is null && blobUri is not null ? new Uri(blobUri.Replace(".blob.", ".table.", StringComparison.Ordinal))
                : null;
            o.ManagedIdentityClientId = clustering["ManagedIdentityClientId"] ?? storage["ManagedIdentityClientId"];
            o.TableName = clustering["TableName"] ?? AzureTableClusteringOptions.DefaultTableName;
        });
    }
}
