using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OrleansLog.Client.Hosting;

/// <summary>Registers the OrleansLog client in a host that already has an Orleans client or silo.</summary>
public static class OrleansLogClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="OrleansLogClient"/> and its <see cref="AdminClient"/> as singletons over the host's <see cref="IGrainFactory"/>, logging
    /// through the host's <see cref="ILoggerFactory"/> and telling time by the host's <see cref="TimeProvider"/> (the system clock if it has none).
    /// </summary>
    public static IServiceCollection AddOrleansLogClient(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new OrleansLogClient(
            sp.GetRequiredService<IGrainFactory>(),
            TimeSpan.FromMinutes(1),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance,
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(sp => sp.GetRequiredService<OrleansLogClient>().Admin);
        return services;
    }
}
