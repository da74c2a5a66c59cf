using OrleansLog.Groups;
using OrleansLog.Groups.Classic;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>Heartbeat 0–4: keeps a classic member's session; REBALANCE_IN_PROGRESS tells it to rejoin.</summary>
internal sealed class HeartbeatHandler(IGrainFactory grains) : KafkaApiHandler<HeartbeatRequest, HeartbeatResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.Heartbeat;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 4;

    /// <inheritdoc />
    protected override async ValueTask<HeartbeatResponse?> HandleAsync(KafkaRequestContext context, HeartbeatRequest request, CancellationToken cancellationToken)
    {
        GroupId.Validate(request.GroupId);
        var error = await grains.GetGrain<IConsumerGroupGrain>(request.GroupId)
            .HeartbeatClassicAsync(request.MemberId, request.GroupInstanceId, request.GenerationId, cancellationToken).ConfigureAwait(false);
        return new HeartbeatResponse { ErrorCode = (short)error };
    }

    /// <inheritdoc />
    protected override HeartbeatResponse ErrorResponse(HeartbeatRequest request, KafkaErrorCode error) => new() { ErrorCode = (short)error };
}
