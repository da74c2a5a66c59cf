using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansLog.Client;
using OrleansLog.Errors;
using OrleansLog.Kafka.Configs;
using OrleansLog.Kafka.Hosting;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Topics;
using static OrleansLog.Kafka.Protocol.CreateTopicsResponse;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// CreateTopics 2–7: creates each topic with its partition count (-1: the listener's default) and configs, or with validate_only checks
/// everything and creates nothing. OrleansLog has no replicas, so a replication factor other than -1 or 1 and manual replica assignments
/// are refused. From v5 the answer carries the topic's partition count, replication factor and configs; from v7 its topic id.
/// </summary>
internal sealed class CreateTopicsHandler(
    OrleansLogClient client,
    KafkaTopics topics,
    IOptions<KafkaListenerOptions> options,
    ILogger<CreateTopicsHandler> logger) : KafkaApiHandler<CreateTopicsRequest, CreateTopicsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.CreateTopics;

    /// <inheritdoc />
    public override short MinVersion => 2;

    /// <inheritdoc />
    public override short MaxVersion => 7;

    /// <inheritdoc />
    protected override async ValueTask<CreateTopicsResponse?> HandleAsync(KafkaRequestContext context, CreateTopicsRequest request, CancellationToken cancellationToken)
    {
        var response = new CreateTopicsResponse();
        var duplicates = AdminRequests.Duplicates(request.Topics.Select(t => t.Name));
        foreach (var topic in request.Topics)
        {
            var result = new CreatableTopicResult { Name = topic.Name, ErrorMessage = null };
            KafkaError? error;
            if (duplicates.Contains(topic.Name))
            {
                if (response.Topics.Any(t => t.Name == topic.Name))
                {
                    continue;
                }

                error = AdminRequests.Duplicate("topic", topic.Name);
            }
            else
            {
                error = await AdminRequests.RunAsync(
                    () => CreateAsync(topic, request.validateOnly, result, context.ApiVersion, cancellationToken), logger, ApiKey, topic.Name, cancellationToken).ConfigureAwait(false);
            }

            if (error is { } failed)
            {
                result = new CreatableTopicResult { Name = topic.Name, ErrorCode = (short)failed.Code, ErrorMessage = failed.Message };
            }

            response.Topics.Add(result);
        }

        return response;
    }

    /// <inheritdoc />
    protected override CreateTopicsResponse ErrorResponse(CreateTopicsRequest request, KafkaErrorCode error)
    {
        var response = new CreateTopicsResponse();
        foreach (var topic in request.Topics)
        {
            response.Topics.Add(new CreatableTopicResult { Name = topic.Name, ErrorCode = (short)error, ErrorMessage = null });
        }

        return response;
    }

    private async Task<KafkaError?> CreateAsync(CreateTopicsRequest.CreatableTopic topic, bool validateOnly, CreatableTopicResult result, short version, CancellationToken cancellationToken)
    {
        TopicName.Validate(topic.Name);
        if (topic.Assignments.Count > 0)
        {
            return new KafkaError(KafkaErrorCode.InvalidReplicaAssignment,
                $"Topic '{topic.Name}' names replica assignments; OrleansLog places partitions itself (any broker serves any partition), so leave them out and set num_partitions.");
        }

        if (topic.ReplicationFactor is not (-1 or 1))
        {
            return new KafkaError(KafkaErrorCode.InvalidReplicationFactor,
                $"Replication factor {topic.ReplicationFactor} is not supported: OrleansLog has no replicas, durability comes from Blob Storage. Use -1 or 1.");
        }

        var defaultPartitions = options.Value.DefaultPartitions;
        var partitions = topic.NumPartitions == -1 ? defaultPartitions : topic.NumPartitions;
        if (partitions is < 1 or > ITopicGrain.MaxPartitions)
        {
            throw new InvalidPartitionsException(
                $"Topic '{topic.Name}' asks for {topic.NumPartitions} partitions; use 1 to {ITopicGrain.MaxPartitions}, or -1 for the broker's default ({defaultPartitions}).");
        }

        var configs = Configs(topic);
        var config = TopicConfig.Parse(configs);
        IReadOnlyDictionary<string, string> overrides = configs;
        Guid topicId = default;
        if (validateOnly)
        {
            if (await ExistsAsync(topic.Name, cancellationToken).ConfigureAwait(false))
            {
                throw new TopicAlreadyExistsException($"Topic '{topic.Name}' already exists.");
            }
        }
        else
        {
            var created = await client.Admin.CreateTopicAsync(topic.Name, partitions, configs, cancellationToken).ConfigureAwait(false);
            topics.Forget(topic.Name);
            (topicId, config, overrides) = (created.TopicId, created.Config, created.ConfigOverrides);
        }

        if (version >= 5)
        {
            result.NumPartitions = partitions;
            result.ReplicationFactor = 1;
            result.Configs = [.. TopicConfigEntries.Describe(config, overrides).Select(e => new CreatableTopicConfigs
            {
                Name = e.Name,
                Value = e.Value,
                ReadOnly = false,
                ConfigSource = (sbyte)e.Source,
                IsSensitive = false,
            })];
        }

        result.TopicId = topicId;
        return null;
    }

    private static Dictionary<string, string> Configs(CreateTopicsRequest.CreatableTopic topic)
    {
        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var config in topic.Configs)
        {
            if (config.Value is null)
            {
                throw new InvalidConfigException($"Config '{config.Name}' of topic '{topic.Name}' has a null value; leave it out to take its default.");
            }

            if (!configs.TryAdd(config.Name, config.Value))
            {
                throw new InvalidRequestException($"Config '{config.Name}' appears more than once for topic '{topic.Name}'; name each config once.");
            }
        }

        return configs;
    }

    private async Task<bool> ExistsAsync(string topic, CancellationToken cancellationToken)
    {
        try
        {
            await client.Admin.DescribeTopicAsync(topic, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (UnknownTopicException)
        {
            return false;
        }
    }
}
