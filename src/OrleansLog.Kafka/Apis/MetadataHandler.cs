using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// Metadata 0–12: the brokers, the controller and the topics a client asks for (all of them when it asks for none), with each
/// partition's leader. Leader epochs are -1, so clients do not validate offsets with OffsetForLeaderEpoch.
/// </summary>
internal sealed class MetadataHandler(KafkaBroker broker, KafkaTopics topics, IOptions<ClusterOptions> cluster) : KafkaApiHandler<MetadataRequest, MetadataResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.Metadata;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 12;

    /// <inheritdoc />
    protected override async ValueTask<MetadataResponse?> HandleAsync(KafkaRequestContext context, MetadataRequest request, CancellationToken cancellationToken)
    {
        var response = NewResponse();

        // v0 asks for every topic with an empty list; from v1 an empty list means none and null means every topic.
        var all = request.Topics is null || (context.ApiVersion == 0 && request.Topics.Count == 0);
        if (all || request.Topics!.Any(t => t.Name is null))
        {
            var byId = request.Topics?.Where(t => t.Name is null).Select(t => t.TopicId).ToHashSet();
            foreach (var name in await topics.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                var topic = await DescribeAsync(name, allowAutoCreate: false, cancellationToken).ConfigureAwait(false);
                if (all || byId!.Contains(topic.TopicId))
                {
                    byId?.Remove(topic.TopicId);
                    response.Topics.Add(topic);
                }
            }

            foreach (var id in byId ?? [])
            {
                response.Topics.Add(new MetadataResponse.MetadataResponseTopic { ErrorCode = (short)KafkaErrorCode.UnknownTopicId, TopicId = id, Name = null });
            }
        }

        // Clients before v4 cannot say; Kafka creates their topics.
        var allowAutoCreate = context.ApiVersion < 4 || request.AllowAutoTopicCreation;
        foreach (var requested in request.Topics ?? [])
        {
            if (requested.Name is { } name)
            {
                response.Topics.Add(await DescribeAsync(name, allowAutoCreate, cancellationToken).ConfigureAwait(false));
            }
        }

        return response;
    }

    /// <inheritdoc />
    protected override MetadataResponse ErrorResponse(MetadataRequest request, KafkaErrorCode error)
    {
        var response = NewResponse();
        foreach (var topic in request.Topics ?? [])
        {
            response.Topics.Add(new MetadataResponse.MetadataResponseTopic { ErrorCode = (short)error, Name = topic.Name ?? "", TopicId = topic.TopicId });
        }

        return response;
    }

    private MetadataResponse NewResponse()
    {
        var response = new MetadataResponse { ClusterId = cluster.Value.ServiceId, ControllerId = broker.NodeId };
        response.Brokers.Add(new MetadataResponse.MetadataResponseBroker { NodeId = broker.NodeId, Host = broker.Host, Port = broker.Port });
        return response;
    }

    private async Task<MetadataResponse.MetadataResponseTopic> DescribeAsync(string name, bool allowAutoCreate, CancellationToken cancellationToken)
    {
        try
        {
            if (await topics.FindAsync(name, allowAutoCreate, cancellationToken).ConfigureAwait(false) is not { } description)
            {
                return new MetadataResponse.MetadataResponseTopic { ErrorCode = (short)KafkaErrorCode.UnknownTopicOrPartition, Name = name };
            }

            var topic = new MetadataResponse.MetadataResponseTopic { Name = name, TopicId = description.TopicId };
            for (var partition = 0; partition < description.PartitionCount; partition++)
            {
                // Any broker accepts any partition and forwards it through Orleans, so every broker can lead it.
                topic.Partitions.Add(new MetadataResponse.MetadataResponsePartition
                {
                    PartitionIndex = partition,
                    LeaderId = broker.NodeId,
                    LeaderEpoch = -1,
                    ReplicaNodes = [broker.NodeId],
                    IsrNodes = [broker.NodeId],
                });
            }

            return topic;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new MetadataResponse.MetadataResponseTopic { ErrorCode = (short)KafkaErrors.From(e), Name = name };
        }
    }
}
