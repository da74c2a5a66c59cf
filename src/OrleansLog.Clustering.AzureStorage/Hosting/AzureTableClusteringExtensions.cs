using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Messaging;

namespace OrleansLog.Clustering.Hosting;

/// <summary>Registers Azure Table clustering on silos (the membership table) and clients (the gateway list), as Orleans' own clustering packages do.</summary>
public static class AzureTableClusteringExtensions
{
    /// <summary>Makes the silo keep cluster membership in an Azure Table, configured by <paramref name="configureOptions"/>.</summary>
    public static ISiloBuilder UseAzureTableClustering(this ISiloBuilder builder, Action<AzureTableClusteringOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        builder.Services.Configure(configureOptions);
        builder.Services.AddSingleton<IMembershipTable, AzureTableMembershipTable>();
        builder.Services.AddSingleton<IConfigurationValidator, AzureTableClusteringOptionsValidator>();
        builder.Services.ConfigureFormatter<AzureTableClusteringOptions>();
        return builder;
    }

    /// <summary>Makes the client find the cluster's gateways in the Azure Table its silos use, configured by <paramref name="configureOptions"/>.</summary>
    public static IClientBuilder UseAzureTableClustering(this IClientBuilder builder, Action<AzureTableClusteringOptions> configureOptions)
    {
        ArgumentNullException.ThrowIfNull(configureOptions);
        builder.Services.Configure(configureOptions);
        builder.Services.AddSingleton<IGatewayListProvider, AzureTableGatewayListProvider>();
        builder.Services.AddSingleton<IConfigurationValidator, AzureTableClusteringOptionsValidator>();
        builder.Services.ConfigureFormatter<AzureTableClusteringOptions>();
        return builder;
    }
}
