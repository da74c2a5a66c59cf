using OrleansLog.Groups;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// ConsumerGroupDescribe 0 (KIP-848): a consumer-protocol group's epoch, assignor and members with their current and target assignments.
/// A classic group, or one that does not exist, gets GROUP_ID_NOT_FOUND, as in Kafka (Kafka's admin clients then use DescribeGroups).
/// </summary>
internal sealed class ConsumerGroupDescribeHandler(IGrainFactory grains, KafkaTopics topics) : KafkaApiHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.ConsumerGroupDescribe;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 0;

    /// <inheritdoc />
    protected override async ValueTask<ConsumerGroupDescribeResponse?> HandleAsync(KafkaRequestContext context, ConsumerGroupDescribeRequest request, CancellationToken cancellationToken)
    {
        var response = new ConsumerGroupDescribeResponse();
        response.Groups.AddRange(await Task.WhenAll(request.GroupIds.Select(id => DescribeAsync(id, cancellationToken))).ConfigureAwait(false));
        return response;
    }

    /// <inheritdoc />
    protected override ConsumerGroupDescribeResponse ErrorResponse(ConsumerGroupDescribeRequest request, KafkaErrorCode error)
    {
        var response = new ConsumerGroupDescribeResponse();
        foreach (var id in request.GroupIds)
        {
            response.Groups.Add(Failed(id, error, null));
        }

        return response;
    }

    private async Task<ConsumerGroupDescribeResponse.DescribedGroup> DescribeAsync(string groupId, CancellationToken cancellationToken)
    {
        var (description, error) = await GroupRequests.CallAsync(grains, "ConsumerGroupDescribe", groupId, g => g.DescribeAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        if (description is null)
        {
            return Failed(groupId, error.Code, error.Message);
        }

        if (description.State == GroupState.Dead)
        {
            return Failed(groupId, KafkaErrorCode.GroupIdNotFound, $"Group '{groupId}' does not exist.");
        }

        if (description.Protocol != GroupProtocol.Consumer)
        {
            return Failed(groupId, KafkaErrorCode.GroupIdNotFound, $"Group '{groupId}' is a classic group; describe it with DescribeGroups.");
        }

        var group = new ConsumerGroupDescribeResponse.DescribedGroup
        {
            GroupId = groupId,
            GroupState = KafkaGroupViews.StateName(description.State),
            GroupEpoch = description.Generation,
            AssignmentEpoch = description.Generation,
            AssignorName = KafkaGroupViews.ServerAssignorName(description.Assignor),
        };
        foreach (var member in description.Members)
        {
            group.Members.Add(new ConsumerGroupDescribeResponse.Member
            {
                MemberId = member.MemberId,
                InstanceId = member.InstanceId,
                MemberEpoch = description.Generation,
                ClientId = member.ClientId,
                ClientHost = member.Host,
                SubscribedTopicNames = [.. member.Topics],
                Assignment = await AssignmentAsync(member.Assignment, cancellationToken).ConfigureAwait(false),
                TargetAssignment = await AssignmentAsync(member.TargetAssignment, cancellationToken).ConfigureAwait(false),
            });
        }

        return group;
    }

    private async Task<ConsumerGroupDescribeResponse.Assignment> AssignmentAsync(TopicPartition[] partitions, CancellationToken cancellationToken)
    {
        var assignment = new ConsumerGroupDescribeResponse.Assignment();
        foreach (var topic in partitions.GroupBy(p => p.Topic))
        {
            var resolved = await topics.ResolveAsync(topic.Key, allowAutoCreate: false, cancellationToken).ConfigureAwait(false);
            assignment.TopicPartitions.Add(new ConsumerGroupDescribeResponse.TopicPartitions
            {
                TopicId = resolved.Description?.TopicId ?? Guid.Empty,
                TopicName = topic.Key,
                Partitions = [.. topic.Select(p => p.Partition).Order()],
            });
        }

        return assignment;
    }

    private static ConsumerGroupDescribeResponse.DescribedGroup Failed(string groupId, KafkaErrorCode error, string? message) =>
        new() { GroupId = groupId, ErrorCode = (short)error, ErrorMessage = message, GroupState = "Dead" };
}
