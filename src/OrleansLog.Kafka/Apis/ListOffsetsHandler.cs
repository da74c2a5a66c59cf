using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// ListOffsets 1–7: per partition the earliest offset (-2, the log start offset), the latest (-1, the high watermark), the first
/// offset whose timestamp is at least a given one (offset and timestamp -1 when none is), and from v7 the first offset with the
/// largest timestamp (-3, <see cref="MaxTimestampSearch"/>). Leader epochs are -1. The isolation level is ignored: without
/// transactions the last stable offset is the high watermark.
/// </summary>
internal sealed class ListOffsetsHandler(KafkaTopics topics, IGrainFactory grains) : KafkaApiHandler<ListOffsetsRequest, ListOffsetsResponse>
{
    private const string ApiName = "ListOffsets";

    // Kafka's MAX_TIMESTAMP spec (KIP-734), from ListOffsets v7.
    private const long MaxTimestamp = -3;

    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.ListOffsets;

    /// <inheritdoc />
    public override short MinVersion => 1;

    /// <inheritdoc />
    public override short MaxVersion => 7;

    /// <inheritdoc />
    protected override async ValueTask<ListOffsetsResponse?> HandleAsync(KafkaRequestContext context, ListOffsetsRequest request, CancellationToken cancellationToken)
    {
        var lookups = new List<Task<ListOffsetsResponse.ListOffsetsPartitionResponse>>();
        foreach (var topic in request.Topics)
        {
            var resolved = await topics.ResolveAsync(topic.Name, allowAutoCreate: false, cancellationToken).ConfigureAwait(false);
            foreach (var partition in topic.Partitions)
            {
                var error = resolved.ErrorFor(partition.PartitionIndex);
                lookups.Add(error == KafkaErrorCode.None
                    ? ListOffsetAsync(resolved.Partition(grains, partition.PartitionIndex), partition, context.ApiVersion, cancellationToken)
                    : Task.FromResult(Failed(partition.PartitionIndex, error)));
            }
        }

        await Task.WhenAll(lookups).ConfigureAwait(false);
        var response = new ListOffsetsResponse();
        var next = 0;
        foreach (var topic in request.Topics)
        {
            var answer = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            for (var i = 0; i < topic.Partitions.Count; i++)
            {
                var partition = lookups[next++].Result;
                if (partition.ErrorCode != (short)KafkaErrorCode.None)
                {
                    KafkaMetrics.RecordError(ApiName, partition.ErrorCode);
                    if (partition.ErrorCode == (short)KafkaErrorCode.UnknownTopicOrPartition)
                    {
                        topics.Forget(topic.Name);
                    }
                }

                answer.Partitions.Add(partition);
            }

            response.Topics.Add(answer);
        }

        return response;
    }

    /// <inheritdoc />
    protected override ListOffsetsResponse ErrorResponse(ListOffsetsRequest request, KafkaErrorCode error)
    {
        var response = new ListOffsetsResponse();
        foreach (var topic in request.Topics)
        {
            var answer = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = topic.Name };
            foreach (var partition in topic.Partitions)
            {
                answer.Partitions.Add(Failed(partition.PartitionIndex, error));
            }

            response.Topics.Add(answer);
        }

        return response;
    }

    private static async Task<ListOffsetsResponse.ListOffsetsPartitionResponse> ListOffsetAsync(
        IPartitionGrain grain,
        ListOffsetsRequest.ListOffsetsPartition partition,
        short version,
        CancellationToken cancellationToken)
    {
        try
        {
            OffsetAndTimestamp found;
            if (partition.Timestamp != MaxTimestamp)
            {
                found = await grain.ListOffsetAsync(partition.Timestamp, cancellationToken).ConfigureAwait(false);
            }
            else if (version >= 7)
            {
                found = await FindMaxTimestampAsync(grain, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Kafka's clients send -3 only from v7; below it the spec does not exist.
                return Failed(partition.PartitionIndex, KafkaErrorCode.UnsupportedVersion);
            }

            return new ListOffsetsResponse.ListOffsetsPartitionResponse
            {
                PartitionIndex = partition.PartitionIndex,
                Offset = found.Offset,
                Timestamp = found.Timestamp,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failed(partition.PartitionIndex, KafkaErrors.From(e));
        }
    }

    // The search starts from the largest timestamp of the log's last batch: where the maximum is when timestamps only grow.
    private static async Task<OffsetAndTimestamp> FindMaxTimestampAsync(IPartitionGrain grain, CancellationToken cancellationToken)
    {
        var end = await grain.ListOffsetAsync(OffsetSpec.Latest, cancellationToken).ConfigureAwait(false);
        var start = await grain.ListOffsetAsync(OffsetSpec.Earliest, cancellationToken).ConfigureAwait(false);
        if (end.Offset <= start.Offset)
        {
            return new OffsetAndTimestamp(-1, -1);
        }

        var last = await grain.FetchAsync(end.Offset - 1, 1, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var guess = RecordBatch.TryPeek(last.Records, out var header) ? header.MaxTimestamp : -1;
        return await MaxTimestampSearch.FindAsync(t => grain.ListOffsetAsync(t, cancellationToken), guess).ConfigureAwait(false);
    }

    private static ListOffsetsResponse.ListOffsetsPartitionResponse Failed(int partition, KafkaErrorCode error) => new()
    {
        PartitionIndex = partition,
        ErrorCode = (short)error,
    };
}
