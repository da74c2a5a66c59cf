using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansLog.Client;
using OrleansLog.Kafka.Apis;
using OrleansLog.Kafka.Brokers;
using OrleansLog.Kafka.Configs;
using OrleansLog.Kafka.Listener;

namespace OrleansLog.Kafka.Hosting;

/// <summary>Makes a silo a Kafka broker.</summary>
public static class KafkaHostingExtensions
{
    /// <summary>The meter the listener's metrics are on (requests, errors and latency per API, bytes, connections).</summary>
    public const string MeterName = KafkaMetrics.MeterName;

    /// <summary>
    /// Serves Kafka's protocol from this silo on Kestrel, with the settings in <c>OrleansLog:Kafka</c> (see
    /// <see cref="KafkaListenerOptions"/>) and <paramref name="configure"/>. The app must also host an Orleans silo with OrleansLog.
    /// Kestrel's own endpoints (an HTTP port, say) must then be set with <c>ConfigureKestrel</c> as well: Kestrel ignores URLs set
    /// otherwise once an endpoint is configured in code.
    /// </summary>
    public static WebApplicationBuilder AddOrleansLogKafka(this WebApplicationBuilder builder, Action<KafkaListenerOptions>? configure = null)
    {
        var settings = builder.Configuration.GetSection(KafkaListenerOptions.SectionName).Get<KafkaListenerOptions>() ?? new KafkaListenerOptions();
        configure?.Invoke(settings);
        var services = builder.Services;
        services.AddOptions<KafkaListenerOptions>()
            .BindConfiguration(KafkaListenerOptions.SectionName)
            .Configure(o => configure?.Invoke(o))
            .Validate(o => o.MaxRequestBytes >= 1024, "OrleansLog:Kafka:MaxRequestBytes must be at least 1024.")
            .Validate(o => o.IdleTimeout > TimeSpan.Zero, "OrleansLog:Kafka:IdleTimeout must be positive.")
            .Validate(o => o.DefaultPartitions >= 1, "OrleansLog:Kafka:DefaultPartitions must be at least 1.")
            .Validate(o => o.Port is >= 0 and <= 65535, "OrleansLog:Kafka:Port must be 0 to 65535.")
            .Validate(o => o.GroupHeartbeatInterval >= TimeSpan.FromMilliseconds(100), "OrleansLog:Kafka:GroupHeartbeatInterval must be at least 100 ms.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new OrleansLogClient(
            sp.GetRequiredService<IGrainFactory>(),
            TimeSpan.FromSeconds(30),
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
        services.TryAddSingleton<KafkaBroker>();
        services.TryAddSingleton<KafkaBrokers>();
        services.TryAddSingleton<KafkaPartitionLeaders>();
        services.TryAddSingleton<KafkaTopics>();
        services.TryAddSingleton<KafkaRequestDispatcher>();
        services.AddSingleton<IKafkaApiHandler, ApiVersionsHandler>();
        services.AddSingleton<IKafkaApiHandler, MetadataHandler>();
        services.AddSingleton<IKafkaApiHandler, ProduceHandler>();
        services.AddSingleton<IKafkaApiHandler, FetchHandler>();
        services.AddSingleton<IKafkaApiHandler, ListOffsetsHandler>();
        services.AddSingleton<IKafkaApiHandler, InitProducerIdHandler>();
        services.TryAddSingleton<TopicConfigWriter>();
        services.AddSingleton<IKafkaApiHandler, CreateTopicsHandler>();
        services.AddSingleton<IKafkaApiHandler, DeleteTopicsHandler>();
        services.AddSingleton<IKafkaApiHandler, CreatePartitionsHandler>();
        services.AddSingleton<IKafkaApiHandler, DescribeConfigsHandler>();
        services.AddSingleton<IKafkaApiHandler, AlterConfigsHandler>();
        services.AddSingleton<IKafkaApiHandler, IncrementalAlterConfigsHandler>();
        services.AddSingleton<IKafkaApiHandler, DescribeClusterHandler>();
        services.AddSingleton<IKafkaApiHandler, FindCoordinatorHandler>();
        services.AddSingleton<IKafkaApiHandler, JoinGroupHandler>();
        services.AddSingleton<IKafkaApiHandler, SyncGroupHandler>();
        services.AddSingleton<IKafkaApiHandler, HeartbeatHandler>();
        services.AddSingleton<IKafkaApiHandler, LeaveGroupHandler>();
        services.AddSingleton<IKafkaApiHandler, OffsetCommitHandler>();
        services.AddSingleton<IKafkaApiHandler, OffsetFetchHandler>();
        services.AddSingleton<IKafkaApiHandler, OffsetDeleteHandler>();
        services.AddSingleton<IKafkaApiHandler, ListGroupsHandler>();
        services.AddSingleton<IKafkaApiHandler, DescribeGroupsHandler>();
        services.AddSingleton<IKafkaApiHandler, DeleteGroupsHandler>();
        services.AddSingleton<IKafkaApiHandler, ConsumerGroupHeartbeatHandler>();
        services.AddSingleton<IKafkaApiHandler, ConsumerGroupDescribeHandler>();
        if (!settings.Enabled)
        {
            return builder;
        }

        if (!IPAddress.TryParse(settings.ListenAddress, out var address))
        {
            throw new InvalidOperationException($"OrleansLog:Kafka:ListenAddress '{settings.ListenAddress}' is not an IP address (use 127.0.0.1, 0.0.0.0 or the address of an interface).");
        }

        // Every silo that listens publishes its endpoint, so that every silo's Metadata lists it.
        services.AddHostedService<KafkaBrokerRegistration>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, settings.Port, listener =>
        {
            kestrel.ApplicationServices.GetRequiredService<KafkaBroker>().BoundTo(listener);
            listener.UseConnectionHandler<KafkaConnectionHandler>();
        }));
        return builder;
    }
}
