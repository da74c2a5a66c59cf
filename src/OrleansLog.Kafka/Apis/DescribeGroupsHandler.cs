using OrleansLog.Groups;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// DescribeGroups 0–5: each group's state, protocol and members with their subscription and assignment as consumer protocol bytes (a
/// classic member's own, a consumer-protocol member's built from what the server assigned), so Kafka's admin tools show both kinds. A
/// group that does not exist is Dead with no error, as in Kafka; an invalid id gets INVALID_GROUP_ID.
/// </summary>
internal sealed class DescribeGroupsHandler(IGrainFactory grains) : KafkaApiHandler<DescribeGroupsRequest, DescribeGroupsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.DescribeGroups;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 5;

    /// <inheritdoc />
    protected override async ValueTask<DescribeGroupsResponse?> HandleAsync(KafkaRequestContext context, DescribeGroupsRequest request, CancellationToken cancellationToken)
    {
        var described = await Task.WhenAll(request.Groups.Select(id => DescribeAsync(id, cancellationToken))).ConfigureAwait(false);
        var response = new DescribeGroupsResponse();
        response.Groups.AddRange(described);
        return response;
    }

    /// <inheritdoc />
    protected override DescribeGroupsResponse ErrorResponse(DescribeGroupsRequest request, KafkaErrorCode error)
    {
        var response = new DescribeGroupsResponse();
        foreach (var id in request.Groups)
        {
            response.Groups.Add(Failed(id, error));
        }

        return response;
    }

    private async Task<DescribeGroupsResponse.DescribedGroup> DescribeAsync(string groupId, CancellationToken cancellationToken)
    {
        var (description, error) = await GroupRequests.CallAsync(grains, "DescribeGroups", groupId, g => g.DescribeAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        if (description is null)
        {
            return Failed(groupId, error.Code);
        }

        var group = new DescribeGroupsResponse.DescribedGroup
        {
            GroupId = groupId,
            GroupState = KafkaGroupViews.StateName(description.State),
            ProtocolType = description.State == GroupState.Dead ? "" : description.ProtocolType ?? "consumer",
            ProtocolData = description.Assignor,
        };
        foreach (var member in description.Members)
        {
            group.Members.Add(new DescribeGroupsResponse.DescribedGroupMember
            {
                MemberId = member.MemberId,
                GroupInstanceId = member.InstanceId,
                ClientId = member.ClientId,
                ClientHost = member.Host,
                MemberMetadata = KafkaGroupViews.Subscription(member),
                MemberAssignment = KafkaGroupViews.Assignment(member),
            });
        }

        return group;
    }

    private static DescribeGroupsResponse.DescribedGroup Failed(string groupId, KafkaErrorCode error) =>
        new() { GroupId = groupId, ErrorCode = (short)error, GroupState = "Dead", ProtocolType = "", ProtocolData = "" };
}
