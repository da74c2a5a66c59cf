using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansLog.Partitions;
using OrleansLog.Storage;

namespace OrleansLog.Hosting;

/// <summary>Adds OrleansLog's grains to an Orleans silo.</summary>
public static class OrleansLogSiloBuilderExtensions
{
    /// <summary>The name of the grain storage provider OrleansLog's grains keep their state in.</summary>
    public const string StorageName = "OrleansLog";

    /// <summary>
    /// Hosts OrleansLog in this silo: topic, catalog, partition and consumer group grains and the services they share. Where they keep
    /// segments and state is added apart (for Azure Blob Storage, <c>AddOrleansLogAzureBlobStorage</c> from <c>OrleansLog.Storage.AzureBlob</c>):
    /// a segment store and the grain storage named <see cref="StorageName"/>; without them the silo does not start.
    /// </summary>
    public static ISiloBuilder AddOrleansLog(this ISiloBuilder builder, Action<PartitionOptions>? configurePartitions = null)
    {
        var services = builder.Services;
        var partitions = services.AddOptions<PartitionOptions>();
        if (configurePartitions is not null)
        {
            partitions.Configure(configurePartitions);
        }

        partitions
            .Validate(o => o.MaxConcurrentRecoveries >= 1, "OrleansLog:Partitions:MaxConcurrentRecoveries must be at least 1.")
            .Validate(o => o.DescribeConcurrency >= 1, "OrleansLog:Partitions:DescribeConcurrency must be at least 1.")
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "OrleansLog:Partitions:IdleTimeout must be positive.")
            .Validate(o => o.CheckpointIntervalBytes >= 0, "OrleansLog:Partitions:CheckpointIntervalBytes must not be negative (0 turns recovery checkpoints off).")
            .Validate(o => o.CompactionMemoryBytes >= 1024 * 1024, "OrleansLog:Partitions:CompactionMemoryBytes must be at least 1 MiB (1048576).")
            .Validate(o => o.MaxConcurrentCompactions >= 1, "OrleansLog:Partitions:MaxConcurrentCompactions must be at least 1.")
            .Validate(o => o.CompactionBytesPerSecond >= 0, "OrleansLog:Partitions:CompactionBytesPerSecond must not be negative (0 for no limit).")
            .Validate(o => o.CompactionDeleteDelay >= TimeSpan.Zero, "OrleansLog:Partitions:CompactionDeleteDelay must not be negative.");

        services.AddOptions<Groups.ConsumerGroupOptions>()
            .Validate(o => o.ExpiryCheckInterval > TimeSpan.Zero, "ConsumerGroupOptions.ExpiryCheckInterval must be positive.")
            .Validate(o => o.MetadataRefreshInterval > TimeSpan.Zero, "ConsumerGroupOptions.MetadataRefreshInterval must be positive.")
            .Validate(o => o.InitialRebalanceDelay >= TimeSpan.Zero, "ConsumerGroupOptions.InitialRebalanceDelay must not be negative.");
        services.TryAddSingleton<TailMemoryBudget>();
        services.TryAddSingleton<ISiloMemoryBudget>(sp => sp.GetRequiredService<TailMemoryBudget>());
        services.TryAddSingleton<AcknowledgedOffsets>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PartitionRecoveryLimiter>();
        services.TryAddSingleton<Compaction.CompactionLimiter>();
        services.TryAddSingleton<StoredPartitionReader>();
        services.TryAddSingleton<ShutdownFlushReport>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ShutdownFlushReport>());
        services.TryAddSingleton<PartitionKeeper>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PartitionKeeper>());
        services.AddSingleton<IConfigurationValidator, StorageRegistrationValidator>();
        return builder;
    }
}
