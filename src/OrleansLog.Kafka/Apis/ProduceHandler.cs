using Microsoft.Extensions.Logging;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Partitions;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// Produce 3–9 (record batch v2; v0–2 carry the old message formats and get UNSUPPORTED_VERSION): each partition's records go to
/// its partition grain as the client sent them, partitions of one request concurrently, with acks 0, 1 and -1 as
/// <see cref="Acks.None"/>, <see cref="Acks.Leader"/> and <see cref="Acks.All"/>. Unknown topics are created when the listener
/// allows it. The partition validates the batches and checks idempotent producers' sequences: a retried duplicate is a success
/// with its original offset, a gap OUT_OF_ORDER_SEQUENCE_NUMBER, an old epoch INVALID_PRODUCER_EPOCH. A failed acks=0 produce,
/// which has no response to carry its error, closes the connection, as Kafka's broker does.
/// </summary>
internal sealed partial class ProduceHandler(KafkaTopics topics, IGrainFactory grains, ILogger<ProduceHandler> logger)
    : KafkaApiHandler<ProduceRequest, ProduceResponse>
{
    private const string ApiName = "Produce";

    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.Produce;

    /// <inheritdoc />
    public override short MinVersion => 3;

    /// <inheritdoc />
    public override short MaxVersion => 9;

    /// <inheritdoc />
    protected override async ValueTask<ProduceResponse?> HandleAsync(KafkaRequestContext context, ProduceRequest request, CancellationToken cancellationToken)
    {
        if (request.Acks is not ((short)Acks.None or (short)Acks.Leader or (short)Acks.All))
        {
            // Not acks=0, so the client waits for an answer: it learns its setting is wrong from every partition.
            return ErrorResponse(request, KafkaErrorCode.InvalidRequiredAcks);
        }

        var acks = (Acks)request.Acks;
        var appends = new List<Task<ProduceResponse.PartitionProduceResponse>>();
        foreach (var topic in request.TopicData)
        {
            var resolved = await topics.ResolveAsync(topic.Name, allowAutoCreate: true, cancellationToken).ConfigureAwait(false);
            foreach (var partition in topic.PartitionData)
            {
                var error = resolved.ErrorFor(partition.Index);
                appends.Add(error == KafkaErrorCode.None
                    ? AppendAsync(topic.Name, resolved.Partition(grains, partition.Index), partition, acks, cancellationToken)
                    : Task.FromResult(Failed(partition.Index, error, null)));
            }
        }

        await Task.WhenAll(appends).ConfigureAwait(false);
        string? failedWithoutAcks = null;
        var response = new ProduceResponse();
        var next = 0;
        foreach (var topic in request.TopicData)
        {
            var answer = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            for (var i = 0; i < topic.PartitionData.Count; i++)
            {
                var partition = appends[next++].Result;
                if (partition.ErrorCode != (short)KafkaErrorCode.None)
                {
                    KafkaMetrics.RecordError(ApiName, partition.ErrorCode);
                    if (partition.ErrorCode == (short)KafkaErrorCode.UnknownTopicOrPartition)
                    {
                        topics.Forget(topic.Name);
                    }

                    if (acks == Acks.None)
                    {
                        LogUnacknowledgedFailure(topic.Name, partition.Index, (KafkaErrorCode)partition.ErrorCode, context.ClientId, partition.ErrorMessage);
                        failedWithoutAcks ??= $"a Produce with acks=0 failed for {topic.Name}-{partition.Index} with {(KafkaErrorCode)partition.ErrorCode}, so the producer learns of it the way Kafka tells it";
                    }
                }

                answer.PartitionResponses.Add(partition);
            }

            response.Responses.Add(answer);
        }

        // acks=0: the client expects no response at all; a response would be read as the answer to its next request. A failure
        // closes the connection instead, as in Kafka: the producer reconnects and refreshes its metadata.
        if (failedWithoutAcks is not null)
        {
            throw new KafkaConnectionClosingException(failedWithoutAcks);
        }

        return acks == Acks.None ? null : response;
    }

    /// <inheritdoc />
    protected override ProduceResponse ErrorResponse(ProduceRequest request, KafkaErrorCode error)
    {
        var response = new ProduceResponse();
        foreach (var topic in request.TopicData)
        {
            var answer = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            foreach (var partition in topic.PartitionData)
            {
                answer.PartitionResponses.Add(Failed(partition.Index, error, null));
            }

            response.Responses.Add(answer);
        }

        return response;
    }

    private async Task<ProduceResponse.PartitionProduceResponse> AppendAsync(
        string topic,
        IPartitionGrain grain,
        ProduceRequest.PartitionProduceData partition,
        Acks acks,
        CancellationToken cancellationToken)
    {
        // The one copy: the request frame goes back to the pool after the response, and the grain takes ownership of its buffer.
        var batches = partition.Records is { } records ? records.ToArray() : [];
        try
        {
            var result = await grain.AppendAsync(batches, acks, cancellationToken).ConfigureAwait(false);
            return new ProduceResponse.PartitionProduceResponse
            {
                Index = partition.Index,
                BaseOffset = result.BaseOffset,
                LogAppendTimeMs = result.LogAppendTime,
                LogStartOffset = result.LogStartOffset,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = KafkaErrors.From(e);
            if (error == KafkaErrorCode.UnknownServerError)
            {
                LogAppendFailed(topic, partition.Index, e);
            }

            // The message travels from v8 (KIP-467); older versions drop it and send the code alone.
            return Failed(partition.Index, error, e.Message);
        }
    }

    private static ProduceResponse.PartitionProduceResponse Failed(int partition, KafkaErrorCode error, string? message) => new()
    {
        Index = partition,
        ErrorCode = (short)error,
        BaseOffset = -1,
        ErrorMessage = message,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka produce to {Topic}-{Partition} failed unexpectedly; answered UNKNOWN_SERVER_ERROR")]
    private partial void LogAppendFailed(string topic, int partition, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka produce with acks=0 to {Topic}-{Partition} from client {ClientId} failed with {Error} ({Reason}); the client gets no response and does not know")]
    private partial void LogUnacknowledgedFailure(string topic, int partition, KafkaErrorCode error, string? clientId, string? reason);
}
