using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace OrleansLog.Client.Hosting;

/// <summary>Registers the OrleansLog client in a host that already has an Orleans client or silo.</summary>
public static class OrleansLogClientServiceCollectionExtensions
{
    /// <summary>Adds <see cref="OrleansLogClient"/> and its <see cref="AdminClient"/> as singletons over the host's <see cref="IGrainFactory"/>.</summary>
    public static IServiceCollection AddOrleansLogClient(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new OrleansLogClient(sp.GetRequiredService<IGrainFactory>()));
        services.TryAddSingleton(sp => sp.GetRequiredService<OrleansLogClient>().Admin);
        return services;
    }
}
