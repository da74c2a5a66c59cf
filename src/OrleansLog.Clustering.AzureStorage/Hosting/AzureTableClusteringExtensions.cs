using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Clustering.AzureStorage;
using Orleans.Configuration;

namespace OrleansLog.Clustering.Hosting;

/// <summary>
/// Registers Orleans' Azure Table clustering provider (<c>Microsoft.Orleans.Clustering.AzureStorage</c>) on silos (the membership
/// table) and clients (the gateway list), configured from <see cref="AzureTableClusteringOptions"/>: the same account settings as
/// OrleansLog's storage, a connection string or a service URI with <c>DefaultAzureCredential</c>.
/// </summary>
public static class AzureTableClusteringExtensions
{
    /// <summary>Makes the silo keep cluster membership in an Azure Table, configured by <paramref name="configureOptions"/>.</summary>
    public static ISiloBuilder UseAzureTableClustering(this ISiloBuilder builder, Action<AzureTableClusteringOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        AddOptions(builder.Services, configureOptions);
        return builder.UseAzureStorageClustering(official => official.Configure<IOptions<AzureTableClusteringOptions>>(Apply));
    }

    /// <summary>Makes the client find the cluster's gateways in the Azure Table its silos use, configured by <paramref name="configureOptions"/>.</summary>
    public static IClientBuilder UseAzureTableClustering(this IClientBuilder builder, Action<AzureTableClusteringOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        AddOptions(builder.Services, configureOptions);
        return builder.UseAzureStorageClustering(official => official.Configure<IOptions<AzureTableClusteringOptions>>(Apply));
    }

    private static void AddOptions(IServiceCollection services, Action<AzureTableClusteringOptions> configureOptions)
    {
        services.Configure(configureOptions);

        // Ours runs first, so a bad setting is reported by its OrleansLog name before the provider's own validator sees it.
        services.AddSingleton<IConfigurationValidator, AzureTableClusteringOptionsValidator>();
        services.ConfigureFormatter<AzureTableClusteringOptions>();
    }

    private static void Apply(AzureStorageOperationOptions official, IOptions<AzureTableClusteringOptions> options)
    {
        var value = options.Value;
        official.TableName = value.TableName;
        if (!string.IsNullOrWhiteSpace(value.ConnectionString) || value.TableServiceUri is not null)
        {
            official.TableServiceClient = value.CreateTableServiceClient();
        }
    }
}
