using OrleansLog.Client;
using OrleansLog.Groups;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// ListGroups 0–5: every group, classic and consumer, including empty groups that only hold committed offsets; v4 filters by state
/// (Kafka's state names, case-insensitive) and v5 by type (<c>classic</c>, <c>consumer</c>). The whole cluster answers from any broker,
/// since every broker coordinates every group.
/// </summary>
internal sealed class ListGroupsHandler(OrleansLogClient log) : KafkaApiHandler<ListGroupsRequest, ListGroupsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.ListGroups;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 5;

    /// <inheritdoc />
    protected override async ValueTask<ListGroupsResponse?> HandleAsync(KafkaRequestContext context, ListGroupsRequest request, CancellationToken cancellationToken)
    {
        var states = request.StatesFilter.Count > 0 ? request.StatesFilter.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
        var types = request.TypesFilter.Count > 0 ? request.TypesFilter.ToHashSet(StringComparer.OrdinalIgnoreCase) : null;
        var response = new ListGroupsResponse();
        foreach (var group in await log.Admin.ListGroupsAsync(cancellationToken).ConfigureAwait(false))
        {
            var state = KafkaGroupViews.StateName(group.State);
            var type = KafkaGroupViews.TypeName(group.Protocol);
            if (group.State == GroupState.Dead || states?.Contains(state) == false || types?.Contains(type) == false)
            {
                continue;
            }

            response.Groups.Add(new ListGroupsResponse.ListedGroup { GroupId = group.GroupId, ProtocolType = "consumer", GroupState = state, GroupType = type });
        }

        return response;
    }

    /// <inheritdoc />
    protected override ListGroupsResponse ErrorResponse(ListGroupsRequest request, KafkaErrorCode error) => new() { ErrorCode = (short)error };
}
