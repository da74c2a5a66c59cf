using Microsoft.Extensions.Logging;
using OrleansLog.Client;
using OrleansLog.Errors;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Topics;
using static OrleansLog.Kafka.Protocol.CreatePartitionsResponse;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// CreatePartitions 0–3: grows each topic to the count asked for, or with validate_only only checks it. A topic never shrinks
/// (INVALID_PARTITIONS), and manual replica assignments are refused: OrleansLog places partitions itself.
/// </summary>
internal sealed class CreatePartitionsHandler(OrleansLogClient client, KafkaTopics topics, ILogger<CreatePartitionsHandler> logger)
    : KafkaApiHandler<CreatePartitionsRequest, CreatePartitionsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.CreatePartitions;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 3;

    /// <inheritdoc />
    protected override async ValueTask<CreatePartitionsResponse?> HandleAsync(KafkaRequestContext context, CreatePartitionsRequest request, CancellationToken cancellationToken)
    {
        var response = new CreatePartitionsResponse();
        var duplicates = AdminRequests.Duplicates(request.Topics.Select(t => t.Name));
        foreach (var topic in request.Topics)
        {
            KafkaError? error;
            if (duplicates.Contains(topic.Name))
            {
                if (response.Results.Any(r => r.Name == topic.Name))
                {
                    continue;
                }

                error = AdminRequests.Duplicate("topic", topic.Name);
            }
            else
            {
                error = await AdminRequests.RunAsync(() => CreateAsync(topic, request.ValidateOnly, cancellationToken), logger, ApiKey, topic.Name, cancellationToken).ConfigureAwait(false);
            }

            response.Results.Add(new CreatePartitionsTopicResult { Name = topic.Name, ErrorCode = (short)(error?.Code ?? KafkaErrorCode.None), ErrorMessage = error?.Message });
        }

        return response;
    }

    /// <inheritdoc />
    protected override CreatePartitionsResponse ErrorResponse(CreatePartitionsRequest request, KafkaErrorCode error)
    {
        var response = new CreatePartitionsResponse();
        foreach (var topic in request.Topics)
        {
            response.Results.Add(new CreatePartitionsTopicResult { Name = topic.Name, ErrorCode = (short)error });
        }

        return response;
    }

    private async Task<KafkaError?> CreateAsync(CreatePartitionsRequest.CreatePartitionsTopic topic, bool validateOnly, CancellationToken cancellationToken)
    {
        if (topic.Assignments is not null)
        {
            return new KafkaError(KafkaErrorCode.InvalidReplicaAssignment,
                $"The request assigns replicas to the new partitions of '{topic.Name}'; OrleansLog places partitions itself (any broker serves any partition), so leave assignments null.");
        }

        var current = await client.Admin.DescribeTopicAsync(topic.Name, cancellationToken).ConfigureAwait(false);
        if (topic.Count == current.PartitionCount)
        {
            throw new InvalidPartitionsException($"Topic '{topic.Name}' already has {current.PartitionCount} partitions.");
        }

        if (topic.Count < current.PartitionCount)
        {
            throw new InvalidPartitionsException(
                $"Topic '{topic.Name}' has {current.PartitionCount} partitions, more than the {topic.Count} asked for; partitions can be added, never removed.");
        }

        if (topic.Count > ITopicGrain.MaxPartitions)
        {
            throw new InvalidPartitionsException($"Topic '{topic.Name}' cannot have {topic.Count} partitions; a topic has at most {ITopicGrain.MaxPartitions}.");
        }

        if (!validateOnly)
        {
            await client.Admin.CreatePartitionsAsync(topic.Name, topic.Count, cancellationToken).ConfigureAwait(false);
            topics.Forget(topic.Name);
        }

        return null;
    }
}
