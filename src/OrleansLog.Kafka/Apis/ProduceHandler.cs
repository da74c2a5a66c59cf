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
/// <remarks>
/// Pipelined: the request counts as ordered once every partition has appended its batches (offsets assigned, in memory), and with
/// acks=all the answer waits for storage apart (<see cref="IPartitionGrain.WaitDurableAsync"/>), so the producer's next request is
/// appended while this one's block is written and both reach storage in one write. The wait is fenced by the leader epoch of the
/// activation that assigned the offsets: if the partition moved meanwhile, the answer is NOT_LEADER_OR_FOLLOWER and the producer
/// retries, never an acknowledgement of offsets a new activation may have reused. The wait is bounded by the request's
/// timeout_ms: partitions not durable by then are answered REQUEST_TIMED_OUT.
/// </remarks>
internal sealed partial class ProduceHandler(KafkaTopics topics, IGrainFactory grains, TimeProvider time, ILogger<ProduceHandler> logger) : IKafkaApiHandler
{
    private const string ApiName = "Produce";

    /// <inheritdoc />
    public KafkaApiKey ApiKey => KafkaApiKey.Produce;

    /// <inheritdoc />
    public short MinVersion => 3;

    /// <inheritdoc />
    public short MaxVersion => 9;

    /// <inheritdoc />
    public async ValueTask<Task<IKafkaMessage?>> StartAsync(KafkaRequestContext context, IKafkaMessage message, CancellationToken cancellationToken)
    {
        var request = (ProduceRequest)message;
        var started = time.GetTimestamp();
        if (request.Acks is not ((short)Acks.None or (short)Acks.Leader or (short)Acks.All))
        {
            // Not acks=0, so the client waits for an answer: it learns its setting is wrong from every partition.
            return Task.FromResult<IKafkaMessage?>(ErrorResponse(request, KafkaErrorCode.InvalidRequiredAcks));
        }

        var acks = (Acks)request.Acks;
        var appends = new List<Task<PartitionAppend>>();
        foreach (var topic in request.TopicData)
        {
            var resolved = await topics.ResolveAsync(topic.Name, allowAutoCreate: true, cancellationToken).ConfigureAwait(false);
            foreach (var partition in topic.PartitionData)
            {
                var error = resolved.ErrorFor(partition.Index);
                appends.Add(error == KafkaErrorCode.None
                    ? AppendAsync(topic.Name, resolved.Partition(grains, partition.Index), partition, cancellationToken)
                    : Task.FromResult(new PartitionAppend(Failed(partition.Index, error, null))));
            }
        }

        await Task.WhenAll(appends).ConfigureAwait(false);
        if (acks == Acks.None)
        {
            // The client expects no response at all; a response would be read as the answer to its next request. A failure closes
            // the connection instead, as in Kafka: the producer reconnects and refreshes its metadata.
            ThrowIfAnyFailed(request, appends, context);
            return Task.FromResult<IKafkaMessage?>(null);
        }

        return acks == Acks.All ? AnswerWhenDurableAsync(request, appends, started) : Task.FromResult<IKafkaMessage?>(Answer(request, appends));
    }

    /// <inheritdoc />
    public IKafkaMessage ErrorResponse(IKafkaMessage request, KafkaErrorCode error) => ErrorResponse((ProduceRequest)request, error);

    private static ProduceResponse ErrorResponse(ProduceRequest request, KafkaErrorCode error)
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

    // Waits for every partition's records to be durable, up to the request's timeout_ms from its arrival: a partition still waiting
    // then is answered REQUEST_TIMED_OUT, as Kafka answers when replication takes longer. Its records stay appended and may still
    // become durable; an idempotent producer's retry is recognised and answered with their offsets.
    private async Task<IKafkaMessage?> AnswerWhenDurableAsync(ProduceRequest request, List<Task<PartitionAppend>> appends, long started)
    {
        var waits = new Task[appends.Count];
        for (var i = 0; i < appends.Count; i++)
        {
            waits[i] = appends[i].Result.WaitDurableAsync();
        }

        var remaining = TimeSpan.FromMilliseconds(Math.Max(0, request.TimeoutMs)) - time.GetElapsedTime(started);
        using (var timeout = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time))
        {
            try
            {
                await Task.WhenAll(waits).WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch
            {
                // Each failed or late partition is answered with its own error below.
            }
        }

        for (var i = 0; i < appends.Count; i++)
        {
            var partition = appends[i].Result;
            Exception? error = waits[i] switch
            {
                { IsCompleted: false } => new TimeoutException($"The records for {partition.Topic}-{partition.Response.Index} were not durable within the request's timeout_ms ({request.TimeoutMs} ms); they may still be written. Retry: an idempotent producer's retry is recognised."),
                { Exception.InnerException: { } failed } => failed,
                _ => null,
            };
            if (!waits[i].IsCompleted)
            {
                // No longer waited for: the answer says it timed out, and a later failure has no one to tell.
                _ = waits[i].ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            if (error is not null)
            {
                appends[i] = Task.FromResult(new PartitionAppend(FailedAppend(partition.Topic!, partition.Response.Index, error)));
            }
        }

        return Answer(request, appends);
    }

    private ProduceResponse Answer(ProduceRequest request, List<Task<PartitionAppend>> appends)
    {
        var response = new ProduceResponse();
        var next = 0;
        foreach (var topic in request.TopicData)
        {
            var answer = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            for (var i = 0; i < topic.PartitionData.Count; i++)
            {
                var partition = appends[next++].Result.Response;
                if (partition.ErrorCode != (short)KafkaErrorCode.None)
                {
                    KafkaMetrics.RecordError(ApiName, partition.ErrorCode);
                    if (partition.ErrorCode == (short)KafkaErrorCode.UnknownTopicOrPartition)
                    {
                        topics.Forget(topic.Name);
                    }
                }

                answer.PartitionResponses.Add(partition);
            }

            response.Responses.Add(answer);
        }

        return response;
    }

    private void ThrowIfAnyFailed(ProduceRequest request, List<Task<PartitionAppend>> appends, KafkaRequestContext context)
    {
        foreach (var topic in Answer(request, appends).Responses)
        {
            foreach (var partition in topic.PartitionResponses.Where(p => p.ErrorCode != (short)KafkaErrorCode.None))
            {
                LogUnacknowledgedFailure(topic.Name, partition.Index, (KafkaErrorCode)partition.ErrorCode, context.ClientId, partition.ErrorMessage);
                throw new KafkaConnectionClosingException($"a Produce with acks=0 failed for {topic.Name}-{partition.Index} with {(KafkaErrorCode)partition.ErrorCode}, so the producer learns of it the way Kafka tells it");
            }
        }
    }

    private async Task<PartitionAppend> AppendAsync(string topic, IPartitionGrain grain, ProduceRequest.PartitionProduceData partition, CancellationToken cancellationToken)
    {
        // The one copy: the request frame goes back to the pool once the request is ordered, and the grain takes ownership of its buffer.
        var batches = partition.Records is { } records ? records.ToArray() : [];
        try
        {
            var pending = await grain.AppendPendingAsync(batches, cancellationToken).ConfigureAwait(false);
            var response = new ProduceResponse.PartitionProduceResponse
            {
                Index = partition.Index,
                BaseOffset = pending.Result.BaseOffset,
                LogAppendTimeMs = pending.Result.LogAppendTime,
                LogStartOffset = pending.Result.LogStartOffset,
            };
            return new PartitionAppend(response, topic, grain, pending);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new PartitionAppend(FailedAppend(topic, partition.Index, e));
        }
    }

    private ProduceResponse.PartitionProduceResponse FailedAppend(string topic, int partition, Exception e)
    {
        var error = KafkaErrors.From(e);
        if (error == KafkaErrorCode.UnknownServerError)
        {
            LogAppendFailed(topic, partition, e);
        }

        // The message travels from v8 (KIP-467); older versions drop it and send the code alone.
        return Failed(partition, error, e.Message);
    }

    private static ProduceResponse.PartitionProduceResponse Failed(int partition, KafkaErrorCode error, string? message) => new()
    {
        Index = partition,
        ErrorCode = (short)error,
        BaseOffset = -1,
        ErrorMessage = message,
    };

    // One partition's part of the request: its answer so far and, for an append that succeeded, what waiting for its durability needs.
    private readonly record struct PartitionAppend(
        ProduceResponse.PartitionProduceResponse Response,
        string? Topic = null,
        IPartitionGrain? Grain = null,
        PendingAppend Pending = default)
    {
        public Task WaitDurableAsync() =>
            Grain is null || Pending.IsDurable ? Task.CompletedTask : Grain.WaitDurableAsync(Pending.LastOffset, Pending.LeaderEpoch);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka produce to {Topic}-{Partition} failed unexpectedly; answered UNKNOWN_SERVER_ERROR")]
    private partial void LogAppendFailed(string topic, int partition, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka produce with acks=0 to {Topic}-{Partition} from client {ClientId} failed with {Error} ({Reason}); the client gets no response and does not know")]
    private partial void LogUnacknowledgedFailure(string topic, int partition, KafkaErrorCode error, string? clientId, string? reason);
}
