using OrleansLog.Groups;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// OffsetCommit 0–9: commits a member's offsets in the group grain, fenced by member id, static instance id and generation (for a
/// KIP-848 member, its epoch); v0 and a generation of -1 with no member id commit from outside the group, which only an empty group
/// accepts. Partitions of unknown topics and over-long metadata are refused one by one; the others are committed. Commit timestamps
/// (v1) and retention times (v2–4) are ignored: offsets are kept while the group exists.
/// </summary>
internal sealed class OffsetCommitHandler(KafkaTopics topics, IGrainFactory grains) : KafkaApiHandler<OffsetCommitRequest, OffsetCommitResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.OffsetCommit;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 9;

    /// <inheritdoc />
    protected override async ValueTask<OffsetCommitResponse?> HandleAsync(KafkaRequestContext context, OffsetCommitRequest request, CancellationToken cancellationToken)
    {
        GroupId.Validate(request.GroupId);
        var errors = new Dictionary<(string Topic, int Partition), KafkaErrorCode>();
        var offsets = new List<CommittedOffset>();
        foreach (var topic in request.Topics)
        {
            var resolved = await topics.ResolveAsync(topic.Name, allowAutoCreate: false, cancellationToken).ConfigureAwait(false);
            foreach (var partition in topic.Partitions)
            {
                var error = resolved.ErrorFor(partition.PartitionIndex);
                if (error == KafkaErrorCode.None && partition.CommittedMetadata is { Length: > CommittedOffset.MaxMetadataLength })
                {
                    error = KafkaErrorCode.OffsetMetadataTooLarge;
                }
                else if (error == KafkaErrorCode.None && partition.CommittedOffset < 0)
                {
                    error = KafkaErrorCode.InvalidRequest;
                }

                if (error == KafkaErrorCode.None)
                {
                    offsets.Add(new CommittedOffset(topic.Name, partition.PartitionIndex, partition.CommittedOffset, partition.CommittedMetadata));
                }
                else
                {
                    errors[(topic.Name, partition.PartitionIndex)] = error;
                }
            }
        }

        var fenced = KafkaErrorCode.None;
        if (offsets.Count > 0)
        {
            try
            {
                var generation = context.ApiVersion >= 1 ? request.GenerationIdOrMemberEpoch : -1;
                var memberId = context.ApiVersion >= 1 ? request.MemberId : "";
                await grains.GetGrain<IConsumerGroupGrain>(request.GroupId)
                    .CommitKafkaOffsetsAsync(memberId, request.GroupInstanceId, generation, [.. offsets], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A fencing error is the answer for every partition of the commit, as in Kafka.
                fenced = KafkaErrors.From(e);
                KafkaMetrics.RecordError("OffsetCommit", (short)fenced);
            }
        }

        return Answer(request, (topic, partition) => errors.GetValueOrDefault((topic, partition), fenced));
    }

    /// <inheritdoc />
    protected override OffsetCommitResponse ErrorResponse(OffsetCommitRequest request, KafkaErrorCode error) => Answer(request, (_, _) => error);

    private static OffsetCommitResponse Answer(OffsetCommitRequest request, Func<string, int, KafkaErrorCode> errorFor)
    {
        var response = new OffsetCommitResponse();
        foreach (var topic in request.Topics)
        {
            var answer = new OffsetCommitResponse.OffsetCommitResponseTopic { Name = topic.Name };
            foreach (var partition in topic.Partitions)
            {
                answer.Partitions.Add(new OffsetCommitResponse.OffsetCommitResponsePartition
                {
                    PartitionIndex = partition.PartitionIndex,
                    ErrorCode = (short)errorFor(topic.Name, partition.PartitionIndex),
                });
            }

            response.Topics.Add(answer);
        }

        return response;
    }
}
