using OrleansLog.Groups;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// OffsetFetch 0–9 (v8 asks for several groups at once): the committed offsets of the partitions named, or from v2 of every partition the
/// group has committed when no topics are named. A partition without a commit (or a group that does not exist) answers offset -1 and no
/// error, as in Kafka. From v9 a KIP-848 consumer's fetch carries its member id and epoch and gets UNKNOWN_MEMBER_ID or
/// STALE_MEMBER_EPOCH as its commits would. Without transactions every offset is stable, so <c>require_stable</c> never waits.
/// </summary>
internal sealed class OffsetFetchHandler(IGrainFactory grains) : KafkaApiHandler<OffsetFetchRequest, OffsetFetchResponse>
{
    private const long NoOffset = -1;

    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.OffsetFetch;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 9;

    /// <inheritdoc />
    protected override async ValueTask<OffsetFetchResponse?> HandleAsync(KafkaRequestContext context, OffsetFetchRequest request, CancellationToken cancellationToken)
    {
        var response = new OffsetFetchResponse();
        if (context.ApiVersion < 8)
        {
            var requested = request.Topics?.Select(t => (t.Name, (IReadOnlyList<int>)t.PartitionIndexes)).ToList();
            var (error, offsets) = await FetchAsync(request.GroupId, requested, null, cancellationToken).ConfigureAwait(false);
            response.ErrorCode = (short)error;
            foreach (var topic in offsets)
            {
                var answer = new OffsetFetchResponse.OffsetFetchResponseTopic { Name = topic.Key };
                foreach (var offset in topic.Value)
                {
                    answer.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartition
                    {
                        PartitionIndex = offset.Partition,
                        CommittedOffset = offset.Offset,
                        Metadata = offset.Metadata ?? "",
                        // Below v2 the group's error is reported on each partition.
                        ErrorCode = context.ApiVersion < 2 ? (short)error : (short)KafkaErrorCode.None,
                    });
                }

                response.Topics.Add(answer);
            }

            return response;
        }

        // From v9 a KIP-848 consumer asks under its member id and epoch, and is fenced as its commits are; others send null and -1.
        var fetches = request.Groups
            .Select(g => FetchAsync(
                g.GroupId,
                g.Topics?.Select(t => (t.Name, (IReadOnlyList<int>)t.PartitionIndexes)).ToList(),
                context.ApiVersion >= 9 && g.MemberId is { Length: > 0 } && g.MemberEpoch >= 0 ? (g.MemberId, g.MemberEpoch) : null,
                cancellationToken))
            .ToList();
        await Task.WhenAll(fetches).ConfigureAwait(false);
        for (var i = 0; i < request.Groups.Count; i++)
        {
            var (error, offsets) = fetches[i].Result;
            var group = new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = request.Groups[i].GroupId, ErrorCode = (short)error };
            foreach (var topic in offsets)
            {
                var answer = new OffsetFetchResponse.OffsetFetchResponseTopics { Name = topic.Key };
                foreach (var offset in topic.Value)
                {
                    answer.Partitions.Add(new OffsetFetchResponse.OffsetFetchResponsePartitions
                    {
                        PartitionIndex = offset.Partition,
                        CommittedOffset = offset.Offset,
                        Metadata = offset.Metadata ?? "",
                    });
                }

                group.Topics.Add(answer);
            }

            response.Groups.Add(group);
        }

        return response;
    }

    /// <inheritdoc />
    protected override OffsetFetchResponse ErrorResponse(OffsetFetchRequest request, KafkaErrorCode error)
    {
        var response = new OffsetFetchResponse { ErrorCode = (short)error };
        foreach (var group in request.Groups)
        {
            response.Groups.Add(new OffsetFetchResponse.OffsetFetchResponseGroup { GroupId = group.GroupId, ErrorCode = (short)error });
        }

        return response;
    }

    // One group's offsets by topic in request order (or, with no topics named, every commit), or the group's error and nothing.
    private async Task<(KafkaErrorCode Error, List<KeyValuePair<string, List<CommittedOffset>>> Offsets)> FetchAsync(
        string groupId,
        List<(string Name, IReadOnlyList<int> Partitions)>? requested,
        (string Id, int Epoch)? member,
        CancellationToken cancellationToken)
    {
        TopicPartition[]? partitions = requested is null ? null : [.. requested.SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Name, p)))];
        var (committed, error) = await GroupRequests.CallAsync(
            grains,
            "OffsetFetch",
            groupId,
            g => member is { } m ? g.FetchMemberOffsetsAsync(m.Id, m.Epoch, partitions, cancellationToken) : g.FetchOffsetsAsync(partitions, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        if (committed is null)
        {
            return (error.Code, []);
        }

        if (requested is null)
        {
            return (KafkaErrorCode.None, [.. committed.GroupBy(o => o.Topic).Select(g => KeyValuePair.Create(g.Key, g.OrderBy(o => o.Partition).ToList()))]);
        }

        var byPartition = committed.ToDictionary(o => o.TopicPartition);
        var answer = new List<KeyValuePair<string, List<CommittedOffset>>>(requested.Count);
        foreach (var (name, indexes) in requested)
        {
            answer.Add(KeyValuePair.Create(name, indexes
                .Select(p => byPartition.GetValueOrDefault(new TopicPartition(name, p)) ?? new CommittedOffset(name, p, NoOffset))
                .ToList()));
        }

        return (KafkaErrorCode.None, answer);
    }
}
