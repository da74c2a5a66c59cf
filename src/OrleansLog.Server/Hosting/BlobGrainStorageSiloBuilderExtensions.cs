using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansLog.Storage;

namespace OrleansLog.Hosting;

/// <summary>Registers <see cref="BlobGrainStorage"/> as an Orleans grain storage provider.</summary>
public static class BlobGrainStorageSiloBuilderExtensions
{
    /// <summary>Adds blob grain storage as the silo's default grain storage.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Adjusts the provider's options; null keeps state in the account and container of <see cref="OrleansLogStorageOptions"/>.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddBlobGrainStorageAsDefault(this ISiloBuilder builder, Action<BlobGrainStorageOptions>? configure = null) =>
        builder.AddBlobGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <summary>Adds blob grain storage under <paramref name="name"/>, for grains that name it in <c>[PersistentState(stateName, name)]</c>.</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider's name.</param>
    /// <param name="configure">Adjusts the provider's options; null keeps state in the account and container of <see cref="OrleansLogStorageOptions"/>.</param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddBlobGrainStorage(this ISiloBuilder builder, string name, Action<BlobGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddBlobGrainStorage(name, configure);
        return builder;
    }

    /// <summary>Adds blob grain storage under <paramref name="name"/> to a silo's services.</summary>
    /// <param name="services">The silo's service collection.</param>
    /// <param name="name">The provider's name.</param>
    /// <param name="configure">Adjusts the provider's options; null keeps state in the account and container of <see cref="OrleansLogStorageOptions"/>.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddBlobGrainStorage(this IServiceCollection services, string name, Action<BlobGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var optionsBuilder = services.AddOptions<BlobGrainStorageOptions>(name);
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        // The default serializer needs Orleans' converters (grain references, IP addresses), which
        // only UseSystemTextJsonGrainStorageSerializer would otherwise register.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SystemTextJsonGrainStorageSerializerOptions>, SystemTextJsonSerializerOptionsConfigure>());
        services.AddTransient<IConfigurationValidator>(sp => new BlobGrainStorageOptionsValidator(
            sp.GetRequiredService<IOptionsMonitor<BlobGrainStorageOptions>>().Get(name),
            sp.GetRequiredService<IOptions<OrleansLogStorageOptions>>().Value,
            name));

        // Keyed by name; the default name also becomes the unkeyed IGrainStorage, and the
        // provider joins the silo lifecycle (to create its container) because it participates.
        return services.AddGrainStorage(name, CreateGrainStorage);
    }

    private static BlobGrainStorage CreateGrainStorage(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<BlobGrainStorageOptions>>().Get(name);
        var storageOptions = services.GetRequiredService<IOptions<OrleansLogStorageOptions>>().Value;
        var client = options.CreateClient?.Invoke(services) ?? storageOptions.CreateBlobServiceClient();
        var container = client.GetBlobContainerClient(options.ContainerName ?? storageOptions.ContainerName);
        var serializer = options.GrainStorageSerializer ?? ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(services);
        return ActivatorUtilities.CreateInstance<BlobGrainStorage>(services, name, container, options, serializer);
    }
}
