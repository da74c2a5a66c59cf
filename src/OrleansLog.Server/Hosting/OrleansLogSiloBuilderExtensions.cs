using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansLog.Partitions;
using OrleansLog.Segments;
using OrleansLog.Storage;

namespace OrleansLog.Hosting;

/// <summary>Adds OrleansLog's grains and storage to an Orleans silo.</summary>
public static class OrleansLogSiloBuilderExtensions
{
    /// <summary>The name of the grain storage provider OrleansLog's grains keep their state in.</summary>
    public const string StorageName = "OrleansLog";

    // Orleans' Azure Blob grain storage provider under StorageName's wrapper.
    private const string BlobStorageName = "OrleansLog.AzureBlob";

    /// <summary>
    /// Hosts OrleansLog in this silo: topic, catalog, partition and consumer group grains, segment storage in Azure Blob Storage, and the grain
    /// storage they keep their state in (Orleans' Azure Blob provider, named <see cref="StorageName"/>). Storage comes from <see cref="OrleansLogStorageOptions"/> (bind it from configuration or set it here).
    /// </summary>
    public static ISiloBuilder AddOrleansLog(
        this ISiloBuilder builder,
        Action<OrleansLogStorageOptions>? configureStorage = null,
        Action<PartitionOptions>? configurePartitions = null)
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

        var partitions = services.AddOptions<PartitionOptions>();
        if (configurePartitions is not null)
        {
            partitions.Configure(configurePartitions);
        }

        partitions
            .Validate(o => o.MaxConcurrentRecoveries >= 1, "OrleansLog:Partitions:MaxConcurrentRecoveries must be at least 1.")
            .Validate(o => o.DescribeConcurrency >= 1, "OrleansLog:Partitions:DescribeConcurrency must be at least 1.")
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "OrleansLog:Partitions:IdleTimeout must be positive.");

        services.AddOptions<Groups.ConsumerGroupOptions>()
            .Validate(o => o.ExpiryCheckInterval > TimeSpan.Zero, "ConsumerGroupOptions.ExpiryCheckInterval must be positive.")
            .Validate(o => o.MetadataRefreshInterval > TimeSpan.Zero, "ConsumerGroupOptions.MetadataRefreshInterval must be positive.");
        services.TryAddSingleton<SegmentStore>();
        services.TryAddSingleton<ISegmentStore>(sp => sp.GetRequiredService<SegmentStore>());
        services.TryAddSingleton<TailMemoryBudget>();
        services.TryAddSingleton<AcknowledgedOffsets>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PartitionRecoveryLimiter>();
        services.TryAddSingleton<StoredPartitionReader>();
        services.TryAddSingleton<ShutdownFlushReport>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ShutdownFlushReport>());
        services.AddSingleton<IConfigurationValidator, OrleansLogStorageOptionsValidator>();

        // Grain state goes through Orleans' own Azure Blob provider, in the same account and container as the segments, as plain
        // JSON (System.Text.Json with Orleans' converters): no .NET type names in stored state.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<SystemTextJsonGrainStorageSerializerOptions>, SystemTextJsonSerializerOptionsConfigure>());
        // It is registered under an inner name; the grains' provider, StorageName, wraps it so unanswered requests fail typed.
        services.AddKeyedSingleton<IGrainStorage>(StorageName, (provider, _) => new TypedFailureGrainStorage(provider.GetRequiredKeyedService<IGrainStorage>(BlobStorageName)));
        builder.AddAzureBlobGrainStorage(BlobStorageName, (OptionsBuilder<AzureBlobStorageOptions> grainStorage) => grainStorage
            .Configure<IOptions<OrleansLogStorageOptions>, IServiceProvider>((options, log, provider) =>
            {
                options.ContainerName = log.Value.ContainerName;
                options.DeleteStateOnClear = true;
                options.GrainStorageSerializer = ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(provider);
                if (!string.IsNullOrWhiteSpace(log.Value.ConnectionString) || log.Value.BlobServiceUri is not null)
                {
                    options.BlobServiceClient = log.Value.CreateBlobServiceClient();
                }
            }));
        return builder;
    }
}
