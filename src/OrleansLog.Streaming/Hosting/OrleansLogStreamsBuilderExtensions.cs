using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.Streams;
using OrleansLog.Streaming;

namespace Orleans.Hosting;

/// <summary>Adds OrleansLog persistent stream providers to silos and clients.</summary>
public static class OrleansLogStreamsBuilderExtensions
{
    /// <summary>
    /// How long one delivery attempt may take before the pulling agent gives up on it: one call, so that
    /// <see cref="OrleansLogStreamOptions.MaxDeliveryAttempts"/> counts calls (the agent retries within this time otherwise).
    /// </summary>
    internal static readonly TimeSpan DeliveryAttemptTime = TimeSpan.FromMilliseconds(500);

    // OrleansLog.Hosting.OrleansLogAzureBlobStorageExtensions.PubSubStorageName, named here so a client-only app needs no server assembly.
    private const string OrleansLogPubSubStorageName = "OrleansLog.PubSub";

    /// <summary>
    /// Adds the OrleansLog stream provider <paramref name="name"/> to the silo: its pulling agents read the topic's partitions (one queue
    /// each) and deliver to subscribers. Explicit subscriptions are kept in Orleans' pub-sub grain storage, <c>PubSubStore</c>; when the
    /// silo has none, the one <c>AddOrleansLogAzureBlobStorage</c> adds (<c>OrleansLog.PubSub</c>, in OrleansLog's Blob container) serves as it.
    /// </summary>
    public static ISiloBuilder AddOrleansLogStreams(this ISiloBuilder builder, string name, Action<OrleansLogStreamOptions>? configure = null)
    {
        builder.Services.TryAddKeyedSingleton<IGrainStorage>(
            ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME,
            (services, _) => services.GetKeyedService<IGrainStorage>(OrleansLogPubSubStorageName) ?? throw new OrleansConfigurationException(
                $"Orleans streams need a grain storage named '{ProviderConstants.DEFAULT_PUBSUB_PROVIDER_NAME}' for subscriptions; add one " +
                "(for example AddAzureBlobGrainStorage), or store OrleansLog with AddOrleansLogAzureBlobStorage, which provides it."));
        return builder.AddPersistentStreams(name, OrleansLogAdapterFactory.Create, stream =>
        {
            stream.Configure<OrleansLogStreamOptions>(options => options.Configure(o => configure?.Invoke(o)));
            stream.ConfigurePullingAgent(options => options.Configure(o => o.MaxEventDeliveryTime = DeliveryAttemptTime));
            stream.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit);
            stream.ConfigureDelegate(services => services.AddTransient<IConfigurationValidator>(sp => new OrleansLogStreamOptionsValidator(
                sp.GetOptionsByName<OrleansLogStreamOptions>(name), sp.GetOptionsByName<StreamPullingAgentOptions>(name).BatchContainerBatchSize, name)));
        });
    }

    /// <summary>Adds the OrleansLog stream provider <paramref name="name"/> to the client, to produce to streams and subscribe to them; its options must match the silos'.</summary>
    public static IClientBuilder AddOrleansLogStreams(this IClientBuilder builder, string name, Action<OrleansLogStreamOptions>? configure = null) =>
        builder.AddPersistentStreams(name, OrleansLogAdapterFactory.Create, stream =>
        {
            stream.Configure<OrleansLogStreamOptions>(options => options.Configure(o => configure?.Invoke(o)));
            stream.ConfigureStreamPubSub(StreamPubSubType.ExplicitGrainBasedAndImplicit);
            stream.ConfigureDelegate(services => services.AddTransient<IConfigurationValidator>(
                sp => new OrleansLogStreamOptionsValidator(sp.GetOptionsByName<OrleansLogStreamOptions>(name), 1, name)));
        });
}
