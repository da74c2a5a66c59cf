using Microsoft.Extensions.Options;
using OrleansLog.Errors;
using OrleansLog.Groups;
using OrleansLog.Kafka.Hosting;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using NativeJoinRequest = OrleansLog.Groups.JoinGroupRequest;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// ConsumerGroupHeartbeat 0–1 (KIP-848, <c>group.protocol=consumer</c>): Kafka's new consumer protocol on the group grain the native
/// client uses, so the server assigns partitions and moves them cooperatively. Epoch 0 joins, -1 leaves (-2, a static member's
/// temporary leave, keeps its place until its session expires), and any other epoch heartbeats with the partitions the member owns.
/// The member epoch is the group's generation; an epoch from the future is fenced (FENCED_MEMBER_EPOCH), an older one is the member
/// catching up. Server assignors: <c>uniform</c> (OrleansLog's cooperative-sticky, the default) and <c>range</c>.
/// </summary>
internal sealed class ConsumerGroupHeartbeatHandler(IGrainFactory grains, KafkaTopics topics, IOptions<KafkaListenerOptions> options)
    : KafkaApiHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse>
{
    private const int LeaveEpoch = -1;
    private const int StaticLeaveEpoch = -2;

    // Kafka's group.consumer.session.timeout.ms default: the protocol leaves the session timeout to the broker.
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(45);

    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.ConsumerGroupHeartbeat;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 1;

    /// <inheritdoc />
    protected override async ValueTask<ConsumerGroupHeartbeatResponse?> HandleAsync(KafkaRequestContext context, ConsumerGroupHeartbeatRequest request, CancellationToken cancellationToken)
    {
        GroupId.Validate(request.GroupId);
        var group = grains.GetGrain<IConsumerGroupGrain>(request.GroupId);
        var interval = (int)options.Value.GroupHeartbeatInterval.TotalMilliseconds;
        if (request.MemberEpoch is LeaveEpoch or StaticLeaveEpoch)
        {
            await group.LeaveAsync(request.MemberId, cancellationToken).ConfigureAwait(false);
            return new ConsumerGroupHeartbeatResponse { MemberId = request.MemberId, MemberEpoch = request.MemberEpoch, HeartbeatIntervalMs = interval };
        }

        MemberAssignment assignment;
        if (request.MemberEpoch == 0)
        {
            if (request.SubscribedTopicNames is not { Count: > 0 } subscribed)
            {
                return Failed(KafkaErrorCode.InvalidRequest, "A joining member (epoch 0) names the topics it subscribes to; regular-expression subscriptions are not supported.");
            }

            if (KafkaGroupViews.NativeAssignor(request.ServerAssignor) is not { } assignor)
            {
                return Failed(KafkaErrorCode.UnsupportedAssignor, $"Server assignor '{request.ServerAssignor}' is not served; use 'uniform' (the default) or 'range'.");
            }

            assignment = await group.JoinAsync(
                new NativeJoinRequest
                {
                    InstanceId = request.InstanceId,
                    ClientId = context.ClientId ?? "",
                    Host = GroupRequests.Host(context.RemoteEndPoint),
                    Topics = [.. subscribed],
                    SessionTimeout = SessionTimeout,
                    RebalanceTimeout = TimeSpan.FromMilliseconds(request.RebalanceTimeoutMs > 0 ? request.RebalanceTimeoutMs : 300_000),
                    Assignor = assignor,
                },
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var owned = await OwnedAsync(request.TopicPartitions, cancellationToken).ConfigureAwait(false);
            assignment = await group.HeartbeatAsync(request.MemberId, owned ?? await CurrentAsync(group, request.MemberId, cancellationToken).ConfigureAwait(false), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (request.MemberEpoch > assignment.Generation)
            {
                return Failed(KafkaErrorCode.FencedMemberEpoch, $"Member epoch {request.MemberEpoch} is newer than the group's epoch {assignment.Generation}; rejoin with epoch 0.");
            }
        }

        return new ConsumerGroupHeartbeatResponse
        {
            MemberId = assignment.MemberId,
            MemberEpoch = assignment.Generation,
            HeartbeatIntervalMs = interval,
            Assignment = await AssignmentAsync(assignment.Partitions, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <inheritdoc />
    protected override ConsumerGroupHeartbeatResponse ErrorResponse(ConsumerGroupHeartbeatRequest request, KafkaErrorCode error) => Failed(error, null);

    private static ConsumerGroupHeartbeatResponse Failed(KafkaErrorCode error, string? message) =>
        new() { ErrorCode = (short)error, ErrorMessage = message, MemberEpoch = -1 };

    // A heartbeat that does not repeat the owned partitions means they did not change: the member still owns what it was assigned.
    private static async Task<TopicPartition[]> CurrentAsync(IConsumerGroupGrain group, string memberId, CancellationToken cancellationToken)
    {
        var description = await group.DescribeAsync(cancellationToken).ConfigureAwait(false);
        return description.Members.FirstOrDefault(m => m.MemberId == memberId)?.Assignment
            ?? throw new UnknownMemberException($"Member '{memberId}' is not in the group; rejoin with epoch 0.");
    }

    private async Task<TopicPartition[]?> OwnedAsync(List<ConsumerGroupHeartbeatRequest.TopicPartitionsData>? owned, CancellationToken cancellationToken)
    {
        if (owned is null)
        {
            return null;
        }

        var partitions = new List<TopicPartition>();
        foreach (var topic in owned)
        {
            var resolved = await topics.ResolveAsync(topic.TopicId, cancellationToken).ConfigureAwait(false);
            if (resolved.Description is { } description)
            {
                partitions.AddRange(topic.Partitions.Select(p => new TopicPartition(description.Name, p)));
            }
        }

        return [.. partitions];
    }

    private async Task<ConsumerGroupHeartbeatResponse.AssignmentData> AssignmentAsync(TopicPartition[] partitions, CancellationToken cancellationToken)
    {
        var assignment = new ConsumerGroupHeartbeatResponse.AssignmentData();
        foreach (var topic in partitions.GroupBy(p => p.Topic))
        {
            var resolved = await topics.ResolveAsync(topic.Key, allowAutoCreate: false, cancellationToken).ConfigureAwait(false);
            if (resolved.Description is { } description)
            {
                assignment.TopicPartitions.Add(new ConsumerGroupHeartbeatResponse.TopicPartitions
                {
                    TopicId = description.TopicId,
                    Partitions = [.. topic.Select(p => p.Partition).Order()],
                });
            }
        }

        return assignment;
    }
}
