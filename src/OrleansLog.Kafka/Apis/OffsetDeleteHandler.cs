using OrleansLog.Groups;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// OffsetDelete 0: forgets a group's committed offsets of some partitions. A group with a member subscribed to one of the topics refuses
/// the whole request (GROUP_SUBSCRIBED_TO_TOPIC on those partitions, as Kafka answers); a group that does not exist gets GROUP_ID_NOT_FOUND.
/// </summary>
internal sealed class OffsetDeleteHandler(IGrainFactory grains) : KafkaApiHandler<OffsetDeleteRequest, OffsetDeleteResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.OffsetDelete;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 0;

    /// <inheritdoc />
    protected override async ValueTask<OffsetDeleteResponse?> HandleAsync(KafkaRequestContext context, OffsetDeleteRequest request, CancellationToken cancellationToken)
    {
        GroupId.Validate(request.GroupId);
        TopicPartition[] partitions = [.. request.Topics.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p.PartitionIndex)))];
        var error = KafkaErrorCode.None;
        try
        {
            await grains.GetGrain<IConsumerGroupGrain>(request.GroupId).DeleteOffsetsAsync(partitions, cancellationToken).ConfigureAwait(false);
        }
        catch (Errors.GroupSubscribedToTopicException e)
        {
            error = KafkaErrors.From(e);
        }

        return Answer(request, error);
    }

    /// <inheritdoc />
    protected override OffsetDeleteResponse ErrorResponse(OffsetDeleteRequest request, KafkaErrorCode error)
    {
        var response = Answer(request, KafkaErrorCode.None);
        response.ErrorCode = (short)error;
        return response;
    }

    private static OffsetDeleteResponse Answer(OffsetDeleteRequest request, KafkaErrorCode partitionError)
    {
        var response = new OffsetDeleteResponse();
        foreach (var topic in request.Topics)
        {
            var answer = new OffsetDeleteResponse.OffsetDeleteResponseTopic { Name = topic.Name };
            foreach (var partition in topic.Partitions)
            {
                answer.Partitions.Add(new OffsetDeleteResponse.OffsetDeleteResponsePartition { PartitionIndex = partition.PartitionIndex, ErrorCode = (short)partitionError });
            }

            response.Topics.Add(answer);
        }

        return response;
    }
}
