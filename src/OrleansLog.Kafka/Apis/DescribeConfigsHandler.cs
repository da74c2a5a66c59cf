using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLog.Client;
using OrleansLog.Kafka.Configs;
using OrleansLog.Kafka.Hosting;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using static OrleansLog.Kafka.Protocol.DescribeConfigsResponse;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// DescribeConfigs 0–4: a topic's every config with its effective value and source (the topic's override or the default), synonyms
/// when asked, type and documentation from v3; a broker's few settings, read-only, from the listener's options.
/// </summary>
internal sealed class DescribeConfigsHandler(
    OrleansLogClient client,
    KafkaBroker broker,
    IOptions<KafkaListenerOptions> options,
    ILogger<DescribeConfigsHandler> logger) : KafkaApiHandler<DescribeConfigsRequest, DescribeConfigsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.DescribeConfigs;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 4;

    /// <inheritdoc />
    protected override async ValueTask<DescribeConfigsResponse?> HandleAsync(KafkaRequestContext context, DescribeConfigsRequest request, CancellationToken cancellationToken)
    {
        var response = new DescribeConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var result = new DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorMessage = null };
            var error = await AdminRequests.RunAsync(
                () => DescribeAsync(resource, request, context.ApiVersion, result, cancellationToken), logger, ApiKey, resource.ResourceName, cancellationToken).ConfigureAwait(false);
            if (error is { } failed)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)failed.Code, failed.Message);
                result.Configs.Clear();
            }

            response.Results.Add(result);
        }

        return response;
    }

    /// <inheritdoc />
    protected override DescribeConfigsResponse ErrorResponse(DescribeConfigsRequest request, KafkaErrorCode error)
    {
        var response = new DescribeConfigsResponse();
        foreach (var resource in request.Resources)
        {
            response.Results.Add(new DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorCode = (short)error, ErrorMessage = null });
        }

        return response;
    }

    private async Task<KafkaError?> DescribeAsync(
        DescribeConfigsRequest.DescribeConfigsResource resource, DescribeConfigsRequest request, short version, DescribeConfigsResult result, CancellationToken cancellationToken)
    {
        IEnumerable<ConfigEntry> entries;
        switch ((ConfigResourceType)resource.ResourceType)
        {
            case ConfigResourceType.Topic:
                entries = TopicConfigEntries.Describe(await client.Admin.DescribeTopicAsync(resource.ResourceName, cancellationToken).ConfigureAwait(false));
                break;
            case ConfigResourceType.Broker when resource.ResourceName.Length == 0:
                // The cluster-wide dynamic broker defaults: OrleansLog has none.
                return null;
            case ConfigResourceType.Broker when int.TryParse(resource.ResourceName, NumberStyles.None, CultureInfo.InvariantCulture, out var nodeId) && nodeId == broker.NodeId:
                entries = BrokerEntries();
                break;
            case ConfigResourceType.Broker:
                return new KafkaError(KafkaErrorCode.InvalidRequest,
                    $"Broker '{resource.ResourceName}' is not this broker (node id {broker.NodeId}); ask the broker the resource names.");
            default:
                return new KafkaError(KafkaErrorCode.InvalidRequest,
                    $"Config resource type {resource.ResourceType} is not served; OrleansLog describes topics (2) and brokers (4).");
        }

        var keys = resource.ConfigurationKeys?.ToHashSet(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (keys is null || keys.Contains(entry.Name))
            {
                result.Configs.Add(Describe(entry, request, version));
            }
        }

        return null;
    }

    private static DescribeConfigsResourceResult Describe(ConfigEntry entry, DescribeConfigsRequest request, short version)
    {
        var described = new DescribeConfigsResourceResult
        {
            Name = entry.Name,
            Value = entry.Value,
            ReadOnly = entry.Source == ConfigSource.StaticBrokerConfig,

            // v0 has only is_default; config_source replaces it from v1.
            IsDefault = version == 0 && entry.IsDefault,
            ConfigSource = (sbyte)entry.Source,
            IsSensitive = false,
            ConfigType = (sbyte)entry.Type,
            Documentation = request.IncludeDocumentation ? entry.Documentation : null,
        };

        if (request.IncludeSynonyms)
        {
            foreach (var (value, source) in entry.Synonyms)
            {
                described.Synonyms.Add(new DescribeConfigsSynonym { Name = entry.Name, Value = value, Source = (sbyte)source });
            }
        }

        return described;
    }

    // The settings of this broker that Kafka clients know by name; they come from OrleansLog:Kafka:* and cannot be altered through Kafka.
    private IEnumerable<ConfigEntry> BrokerEntries()
    {
        var settings = options.Value;
        yield return Static("broker.id", Format(broker.NodeId), ConfigType.Int, "This broker's node id, fixed while the silo lives.");
        yield return Static("num.partitions", Format(settings.DefaultPartitions), ConfigType.Int,
            "The partition count of topics created on first use or with num_partitions -1 (OrleansLog:Kafka:DefaultPartitions).");
        yield return Static("auto.create.topics.enable", settings.AutoCreateTopics ? "true" : "false", ConfigType.Boolean,
            "Whether Metadata and Produce create unknown topics (OrleansLog:Kafka:AutoCreateTopics).");
        yield return Static("default.replication.factor", "1", ConfigType.Int,
            "OrleansLog has no replicas: durability comes from Blob Storage.");
        yield return Static("socket.request.max.bytes", Format(settings.MaxRequestBytes), ConfigType.Int,
            "The largest request accepted, in bytes (OrleansLog:Kafka:MaxRequestBytes).");
        yield return Static("connections.max.idle.ms", Format((long)settings.IdleTimeout.TotalMilliseconds), ConfigType.Long,
            "How long a connection may stay silent before it is closed (OrleansLog:Kafka:IdleTimeout).");
    }

    private static ConfigEntry Static(string name, string value, ConfigType type, string documentation) =>
        new(name, value, ConfigSource.StaticBrokerConfig, type, documentation, [(value, ConfigSource.StaticBrokerConfig)]);

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
