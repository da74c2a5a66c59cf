using OrleansLog.Groups;
using OrleansLog.Groups.Classic;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>LeaveGroup 0–5: removes members at once (v3+: several, by member id or static instance id), so the others rebalance now.</summary>
internal sealed class LeaveGroupHandler(IGrainFactory grains) : KafkaApiHandler<LeaveGroupRequest, LeaveGroupResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.LeaveGroup;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 5;

    /// <inheritdoc />
    protected override async ValueTask<LeaveGroupResponse?> HandleAsync(KafkaRequestContext context, LeaveGroupRequest request, CancellationToken cancellationToken)
    {
        GroupId.Validate(request.GroupId);
        ClassicLeavingMember[] leaving = context.ApiVersion >= 3
            ? [.. request.Members.Select(m => new ClassicLeavingMember(m.MemberId, m.GroupInstanceId))]
            : [new ClassicLeavingMember(request.MemberId, null)];
        var results = await grains.GetGrain<IConsumerGroupGrain>(request.GroupId).LeaveClassicAsync(leaving, cancellationToken).ConfigureAwait(false);
        var response = new LeaveGroupResponse();
        if (context.ApiVersion < 3)
        {
            response.ErrorCode = (short)results[0].Error;
            return response;
        }

        foreach (var result in results)
        {
            response.Members.Add(new LeaveGroupResponse.MemberResponse { MemberId = result.MemberId, GroupInstanceId = result.InstanceId, ErrorCode = (short)result.Error });
        }

        return response;
    }

    /// <inheritdoc />
    protected override LeaveGroupResponse ErrorResponse(LeaveGroupRequest request, KafkaErrorCode error) => new() { ErrorCode = (short)error };
}
