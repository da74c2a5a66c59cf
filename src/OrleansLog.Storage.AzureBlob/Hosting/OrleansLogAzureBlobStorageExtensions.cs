using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansLog.Segments;
using OrleansLog.Storage;

namespace OrleansLog.Hosting;

/// <summary>Keeps the segments and grain state of the OrleansLog in an Orleans silo in Azure Blob Storage.</summary>
public static class OrleansLogAzureBlobStorageExtensions
{
    /// <summary>
    /// The grain storage, in the same container, that Orleans stream pub-sub state can use (the OrleansLog stream provider falls back
    /// to it when the silo has no <c>PubSubStore</c>): it keeps state with Orleans' own serializer, because pub-sub state does not
    /// round-trip through the plain JSON OrleansLog's grains are stored as.
    /// </summary>
    public const string PubSubStorageName = "OrleansLog.PubSub";

    // Orleans' Azure Blob grain storage provider under the wrapper named OrleansLogSiloBuilderExtensions.StorageName.
    private const string BlobStorageName = "OrleansLog.AzureBlob";

    /// <summary>
    /// Stores the OrleansLog this silo hosts (<see cref="OrleansLogSiloBuilderExtensions.AddOrleansLog"/>) in Azure Blob Storage: segments
    /// in append and block blobs, and grain state through Orleans' Azure Blob provider (named <see cref="OrleansLogSiloBuilderExtensions.StorageName"/>)
    /// in the same container. The account and container come from <see cref="OrleansLogStorageOptions"/> (bind it from configuration or set it here).
    /// </summary>
    public static ISiloBuilder AddOrleansLogAzureBlobStorage(this ISiloBuilder builder, Action<OrleansLogStorageOptions>? configureStorage = null)
    {
        var services = builder.Services;
        var storage = services.AddOptions<OrleansLogStorageOptions>();
        if (configureStorage is not null)
        {
            storage.Configure(configureStorage);
        }

        storage.Validate(
            o => o.ValidateRequestSettings() is null,
            "OrleansLog:Storage request settings are out of range: RequestTimeout must be positive, MaxRetries 0 to 10, MaxConcurrentRequests at least 1.");

        services.TryAddSingleton<AzureBlobSegmentStore>();
        services.TryAddSingleton<ISegmentStore>(sp => sp.GetRequiredService<AzureBlobSegmentStore>());
        services.AddSingleton<IConfigurationValidator, OrleansLogStorageOptionsValidator>();

        // Grain state goes through Orleans' own Azure Blob provider, in the same account and container as the segments, as plain
        // JSON (System.Text.Json with Orleans' converters): no .NET type names in stored state.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SystemTextJsonGrainStorageSerializerOptions>, SystemTextJsonSerializerOptionsConfigure>());
        // It is registered under an inner name; the grains' provider, StorageName, wraps it so unanswered requests fail typed.
        services.AddKeyedSingleton<IGrainStorage>(
            OrleansLogSiloBuilderExtensions.StorageName,
            (provider, _) => new TypedFailureGrainStorage(provider.GetRequiredKeyedService<IGrainStorage>(BlobStorageName)));
        builder.AddAzureBlobGrainStorage(BlobStorageName, (OptionsBuilder<AzureBlobStorageOptions> grainStorage) => grainStorage
            .Configure<IOptions<OrleansLogStorageOptions>, IServiceProvider>((options, log, provider) =>
            {
                InSameContainer(options, log.Value);
                options.DeleteStateOnClear = true;
                options.GrainStorageSerializer = ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(provider);
            }));
        builder.AddAzureBlobGrainStorage(PubSubStorageName, (OptionsBuilder<AzureBlobStorageOptions> grainStorage) => grainStorage
            .Configure<IOptions<OrleansLogStorageOptions>>((options, log) => InSameContainer(options, log.Value)));
        return builder;
    }

    private static void InSameContainer(AzureBlobStorageOptions options, OrleansLogStorageOptions log)
    {
        options.ContainerName = log.ContainerName;
        if (!string.IsNullOrWhiteSpace(log.ConnectionString) || log.BlobServiceUri is not null)
        {
            options.BlobServiceClient = log.CreateBlobServiceClient();
        }
    }
}
