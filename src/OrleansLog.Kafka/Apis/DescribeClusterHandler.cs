using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansLog.Kafka.Brokers;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// DescribeCluster 0–1: the cluster id (the Orleans service id, as Metadata gives it), the controller and the brokers, which are
/// the active silos' listeners with this broker as controller, as in Metadata. Brokers are the only endpoint type served: asking for controllers is MISMATCHED_ENDPOINT_TYPE.
/// </summary>
internal sealed class DescribeClusterHandler(KafkaBrokers brokers, IOptions<ClusterOptions> cluster) : KafkaApiHandler<DescribeClusterRequest, DescribeClusterResponse>
{
    private const sbyte BrokerEndpoints = 1;

    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.DescribeCluster;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 1;

    /// <inheritdoc />
    protected override async ValueTask<DescribeClusterResponse?> HandleAsync(KafkaRequestContext context, DescribeClusterRequest request, CancellationToken cancellationToken)
    {
        if (request.EndpointType != BrokerEndpoints)
        {
            return new DescribeClusterResponse
            {
                ErrorCode = (short)KafkaErrorCode.MismatchedEndpointType,
                ErrorMessage = $"Endpoint type {request.EndpointType} is not served: every OrleansLog silo is a broker (type 1), none is a KRaft controller.",
                ClusterId = cluster.Value.ServiceId,
            };
        }

        var response = new DescribeClusterResponse { ClusterId = cluster.Value.ServiceId, ControllerId = brokers.LocalNodeId };
        foreach (var endpoint in await brokers.GetActiveAsync(cancellationToken).ConfigureAwait(false))
        {
            response.Brokers.Add(new DescribeClusterResponse.DescribeClusterBroker { BrokerId = endpoint.NodeId, Host = endpoint.Host, Port = endpoint.Port, Rack = null });
        }

        return response;
    }

    /// <inheritdoc />
    protected override DescribeClusterResponse ErrorResponse(DescribeClusterRequest request, KafkaErrorCode error) =>
        new() { ErrorCode = (short)error, ClusterId = cluster.Value.ServiceId };
}
