using OrleansLog.Groups;
using OrleansLog.Groups.Classic;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>SyncGroup 0–5: every member's SyncGroup waits for the leader's, which carries the assignment the group relays to each.</summary>
internal sealed class SyncGroupHandler(IGrainFactory grains) : KafkaApiHandler<SyncGroupRequest, SyncGroupResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.SyncGroup;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 5;

    /// <inheritdoc />
    protected override async ValueTask<SyncGroupResponse?> HandleAsync(KafkaRequestContext context, SyncGroupRequest request, CancellationToken cancellationToken)
    {
        GroupId.Validate(request.GroupId);
        var result = await grains.GetGrain<IConsumerGroupGrain>(request.GroupId).SyncClassicAsync(
            new ClassicSyncRequest
            {
                MemberId = request.MemberId,
                InstanceId = request.GroupInstanceId,
                Generation = request.GenerationId,
                ProtocolType = request.ProtocolType,
                ProtocolName = request.ProtocolName,
                Assignments = [.. request.Assignments.Select(a => new ClassicMemberAssignment(a.MemberId, a.Assignment))],
            },
            cancellationToken).ConfigureAwait(false);
        return new SyncGroupResponse { ErrorCode = (short)result.Error, ProtocolType = result.ProtocolType, ProtocolName = result.ProtocolName, Assignment = result.Assignment };
    }

    /// <inheritdoc />
    protected override SyncGroupResponse ErrorResponse(SyncGroupRequest request, KafkaErrorCode error) => new() { ErrorCode = (short)error, Assignment = [] };
}
