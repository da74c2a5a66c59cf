using OrleansLog.Groups;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// DeleteGroups 0–2: deletes each empty group and its committed offsets, as <c>orleanslog groups delete</c> does; a group with members
/// gets NON_EMPTY_GROUP and one that does not exist GROUP_ID_NOT_FOUND.
/// </summary>
internal sealed class DeleteGroupsHandler(IGrainFactory grains) : KafkaApiHandler<DeleteGroupsRequest, DeleteGroupsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.DeleteGroups;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 2;

    /// <inheritdoc />
    protected override async ValueTask<DeleteGroupsResponse?> HandleAsync(KafkaRequestContext context, DeleteGroupsRequest request, CancellationToken cancellationToken)
    {
        var duplicates = AdminRequests.Duplicates(request.GroupsNames);
        var errors = await Task.WhenAll(request.GroupsNames.Select(id => duplicates.Contains(id)
            ? Task.FromResult(KafkaErrorCode.InvalidRequest)
            : DeleteAsync(id, cancellationToken))).ConfigureAwait(false);
        var response = new DeleteGroupsResponse();
        for (var i = 0; i < errors.Length; i++)
        {
            response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = request.GroupsNames[i], ErrorCode = (short)errors[i] });
        }

        return response;
    }

    /// <inheritdoc />
    protected override DeleteGroupsResponse ErrorResponse(DeleteGroupsRequest request, KafkaErrorCode error)
    {
        var response = new DeleteGroupsResponse();
        foreach (var id in request.GroupsNames)
        {
            response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = id, ErrorCode = (short)error });
        }

        return response;
    }

    private async Task<KafkaErrorCode> DeleteAsync(string groupId, CancellationToken cancellationToken)
    {
        var (_, error) = await GroupRequests.CallAsync(grains, "DeleteGroups", groupId, async g =>
        {
            await g.DeleteAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return error.Code;
    }
}
