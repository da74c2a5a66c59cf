using OrleansLog.Groups;
using OrleansLog.Groups.Classic;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using JoinGroupRequest = OrleansLog.Kafka.Protocol.JoinGroupRequest;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// JoinGroup 0–9: hands the join to the group grain, which answers when its join barrier completes (up to the rebalance timeout, as
/// Kafka does; the connection's later requests wait behind it, in order). From v4 a new member first gets MEMBER_ID_REQUIRED with its id.
/// </summary>
internal sealed class JoinGroupHandler(IGrainFactory grains) : KafkaApiHandler<JoinGroupRequest, JoinGroupResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.JoinGroup;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 9;

    /// <inheritdoc />
    protected override async ValueTask<JoinGroupResponse?> HandleAsync(KafkaRequestContext context, JoinGroupRequest request, CancellationToken cancellationToken)
    {
        GroupId.Validate(request.GroupId);
        var result = await grains.GetGrain<IConsumerGroupGrain>(request.GroupId).JoinClassicAsync(
            new ClassicJoinRequest
            {
                MemberId = request.MemberId,
                InstanceId = request.GroupInstanceId,
                ClientId = context.ClientId ?? "",
                ClientHost = GroupRequests.Host(context.RemoteEndPoint),
                SessionTimeout = TimeSpan.FromMilliseconds(request.SessionTimeoutMs),
                RebalanceTimeout = TimeSpan.FromMilliseconds(context.ApiVersion >= 1 ? request.RebalanceTimeoutMs : request.SessionTimeoutMs),
                ProtocolType = request.ProtocolType,
                Protocols = [.. request.Protocols.Select(p => new ClassicProtocol(p.Name, p.Metadata))],
                RequireKnownMemberId = context.ApiVersion >= 4,
                Reason = request.Reason,
            },
            cancellationToken).ConfigureAwait(false);
        var response = new JoinGroupResponse
        {
            ErrorCode = (short)result.Error,
            GenerationId = result.Generation,
            ProtocolType = result.ProtocolType,
            ProtocolName = result.ProtocolName ?? (context.ApiVersion >= 7 ? null : ""),
            Leader = result.LeaderId,
            // Below v9 there is no skip flag (KIP-814): a static leader that rejoined gets the members and computes an assignment the
            // stable group ignores, answering its SyncGroup with the assignment it already had.
            SkipAssignment = context.ApiVersion >= 9 && result.SkipAssignment,
            MemberId = result.MemberId,
        };
        foreach (var member in result.Members)
        {
            response.Members.Add(new JoinGroupResponse.JoinGroupResponseMember { MemberId = member.MemberId, GroupInstanceId = member.InstanceId, Metadata = member.Metadata });
        }

        return response;
    }

    /// <inheritdoc />
    protected override JoinGroupResponse ErrorResponse(JoinGroupRequest request, KafkaErrorCode error) =>
        new() { ErrorCode = (short)error, GenerationId = -1, ProtocolName = "", Leader = "", MemberId = request.MemberId };
}
