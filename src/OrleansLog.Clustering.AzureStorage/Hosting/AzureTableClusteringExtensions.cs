using Microsoft.Extensions.DependencyInjection;
using Orleans.Messaging;

namespace OrleansLog.Clustering.Hosting;

/// <summary>Registers Azure Table clustering on silos and clients, in the shape of Orleans' own clustering providers.</summary>
public static class AzureTableClusteringExtensions
{
    /// <summary>Silos keep cluster membership in an Azure Table.</summary>
    public static ISiloBuilder UseAzureTableClustering(this ISiloBuilder builder, Action<AzureTableClusteringOptions> configure)
    {
        builder.Services.Configure(configure);
        builder.Services.AddSingleton<IMembershipTable, AzureTableMembershipTable>();
        builder.Services.AddSingleton<IConfigurationValidator, AzureTableClusteringOptionsValidator>();
        return builder;
    }

    /// <summary>Clients find the cluster's gateways in the Azure Table its silos use.</summary>
    public static IClientBuilder UseAzureTableClustering(this IClientBuilder builder, Action<AzureTableClusteringOptions> configure)
    {
        builder.Services.Configure(configure);
        builder.Services.AddSingleton<IGatewayListProvider, AzureTableGatewayListProvider>();
        builder.Services.AddSingleton<IConfigurationValidator, AzureTableClusteringOptionsValidator>();
        return builder;
    }
}
