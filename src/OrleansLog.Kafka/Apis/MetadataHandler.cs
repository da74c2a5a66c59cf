using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLog.Kafka.Brokers;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// Metadata 0–12: every active silo as a broker, this one as the controller (it is live: it is answering), and the topics a client
/// asks for (all of them when it asks for none), with each partition's leader: the broker of the silo hosting the partition's grain
/// when that is known, else this one. Leader epochs are -1, so clients do not validate offsets with OffsetForLeaderEpoch.
/// </summary>
internal sealed class MetadataHandler(
    KafkaBrokers brokers,
    KafkaPartitionLeaders leaders,
    KafkaTopics topics,
    IOptions<ClusterOptions> cluster,
    TimeProvider time)
    : KafkaApiHandler<MetadataRequest, MetadataResponse>
{
    /// <summary>How long one request waits in all for the hosts of partitions not looked up yet.</summary>
    public static readonly TimeSpan MaxLeaderWait = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.Metadata;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 12;

    /// <inheritdoc />
    protected override async ValueTask<MetadataResponse?> HandleAsync(KafkaRequestContext context, MetadataRequest request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var active = await brokers.GetActiveAsync(cancellationToken).ConfigureAwait(false);
        var response = NewResponse(active);

        // v0 asks for every topic with an empty list; from v1 an empty list means none and null means every topic.
        var all = request.Topics is null || (context.ApiVersion == 0 && request.Topics.Count == 0);
        if (all || request.Topics!.Any(t => t.Name is null))
        {
            var byId = request.Topics?.Where(t => t.Name is null).Select(t => t.TopicId).ToHashSet();
            foreach (var name in await topics.ListAsync(cancellationToken).ConfigureAwait(false))
            {
                var topic = await DescribeAsync(name, allowAutoCreate: false, active, started, cancellationToken).ConfigureAwait(false);
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
                response.Topics.Add(await DescribeAsync(name, allowAutoCreate, active, started, cancellationToken).ConfigureAwait(false));
            }
        }

        return response;
    }

    /// <inheritdoc />
    protected override MetadataResponse ErrorResponse(MetadataRequest request, KafkaErrorCode error)
    {
        var response = NewResponse([brokers.Local]);
        foreach (var topic in request.Topics ?? [])
        {
            response.Topics.Add(new MetadataResponse.MetadataResponseTopic { ErrorCode = (short)error, Name = topic.Name ?? "", TopicId = topic.TopicId });
        }

        return response;
    }

    private MetadataResponse NewResponse(IReadOnlyList<KafkaBrokerEndpoint> active)
    {
        // Admin requests go to the controller, which must be a listed broker: this silo is, and is surely live.
        var response = new MetadataResponse { ClusterId = cluster.Value.ServiceId, ControllerId = brokers.LocalNodeId };
        foreach (var endpoint in active)
        {
            response.Brokers.Add(new MetadataResponse.MetadataResponseBroker { NodeId = endpoint.NodeId, Host = endpoint.Host, Port = endpoint.Port });
        }

        return response;
    }

    private async Task<MetadataResponse.MetadataResponseTopic> DescribeAsync(
        string name,
        bool allowAutoCreate,
        IReadOnlyList<KafkaBrokerEndpoint> active,
        long requestStarted,
        CancellationToken cancellationToken)
    {
        try
        {
            if (await topics.FindAsync(name, allowAutoCreate, cancellationToken).ConfigureAwait(false) is not { } description)
            {
                return new MetadataResponse.MetadataResponseTopic { ErrorCode = (short)KafkaErrorCode.UnknownTopicOrPartition, Name = name };
            }

            var topic = new MetadataResponse.MetadataResponseTopic { Name = name, TopicId = description.TopicId };
            var wait = MaxLeaderWait - time.GetElapsedTime(requestStarted);
            var hosts = await leaders.FindHostsAsync(name, description.TopicId, description.PartitionCount, wait, cancellationToken).ConfigureAwait(false);
            for (var partition = 0; partition < description.PartitionCount; partition++)
            {
                // Any broker accepts any partition and forwards it through Orleans, so the answering broker leads what no listed
                // broker is known to host.
                var leader = LeaderOf(hosts[partition], active);
                topic.Partitions.Add(new MetadataResponse.MetadataResponsePartition
                {
                    PartitionIndex = partition,
                    LeaderId = leader,
                    LeaderEpoch = -1,
                    ReplicaNodes = [leader],
                    IsrNodes = [leader],
                });
            }

            return topic;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new MetadataResponse.MetadataResponseTopic { ErrorCode = (short)KafkaErrors.From(e), Name = name };
        }
    }

    private int LeaderOf(SiloAddress? host, IReadOnlyList<KafkaBrokerEndpoint> active)
    {
        if (host is not null)
        {
            foreach (var endpoint in active)
            {
                if (endpoint.Silo.Equals(host))
                {
                    return endpoint.NodeId;
                }
            }
        }

        return brokers.LocalNodeId;
    }
}
