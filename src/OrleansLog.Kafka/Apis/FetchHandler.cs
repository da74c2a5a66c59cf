using Microsoft.Extensions.Logging;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Partitions;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// Fetch 4–13 (v13 names topics by id): the stored record batches of every requested partition, as stored, within the response's
/// max_bytes and each partition's partition_max_bytes (the first batch always whole, KIP-74). When the partitions hold fewer than
/// min_bytes, the fetch waits up to max_wait_ms on all of them and answers as soon as data arrives. No fetch sessions (KIP-227):
/// every response carries session id 0, which tells clients to send full fetches; an incremental one gets FETCH_SESSION_ID_NOT_FOUND.
/// No transactions: the last stable offset is the high watermark and no transaction is ever aborted.
/// </summary>
internal sealed partial class FetchHandler(KafkaTopics topics, IGrainFactory grains, TimeProvider time, ILogger<FetchHandler> logger)
    : KafkaApiHandler<FetchRequest, FetchResponse>
{
    private const string ApiName = "Fetch";

    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.Fetch;

    /// <inheritdoc />
    public override short MinVersion => 4;

    /// <inheritdoc />
    public override short MaxVersion => 13;

    /// <inheritdoc />
    protected override async ValueTask<FetchResponse?> HandleAsync(KafkaRequestContext context, FetchRequest request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (request.SessionEpoch > 0)
        {
            // Epoch 0 asks for a new session and -1 for none: both are served in full. A later epoch continues a session, and this
            // broker never created one.
            return new FetchResponse { ErrorCode = (short)KafkaErrorCode.FetchSessionIdNotFound };
        }

        var byId = context.ApiVersion >= 13;
        var fetches = new List<PartitionFetch>();
        foreach (var topic in request.Topics)
        {
            var resolved = byId
                ? await topics.ResolveAsync(topic.TopicId, cancellationToken).ConfigureAwait(false)
                : await topics.ResolveAsync(topic.Topic, allowAutoCreate: false, cancellationToken).ConfigureAwait(false);
            var name = resolved.Description?.Name ?? topic.Topic;
            foreach (var partition in topic.Partitions)
            {
                var error = resolved.ErrorFor(partition.Partition);
                fetches.Add(new PartitionFetch(name, partition, error == KafkaErrorCode.None ? resolved.Partition(grains, partition.Partition) : null, error));
            }
        }

        var first = new List<Task>(fetches.Count);
        foreach (var fetch in fetches)
        {
            if (fetch.Grain is not null)
            {
                first.Add(FetchAsync(fetch, request.MaxBytes, TimeSpan.Zero, cancellationToken, cancellationToken));
            }
        }

        await Task.WhenAll(first).ConfigureAwait(false);
        var maxWait = TimeSpan.FromMilliseconds(request.MaxWaitMs) - time.GetElapsedTime(started);
        if (maxWait > TimeSpan.Zero && !Satisfied(fetches, request))
        {
            await WaitForDataAsync(fetches, request, maxWait, cancellationToken).ConfigureAwait(false);
        }

        return Respond(fetches, request, byId);
    }

    /// <inheritdoc />
    protected override FetchResponse ErrorResponse(FetchRequest request, KafkaErrorCode error)
    {
        var response = new FetchResponse { ErrorCode = (short)error };
        foreach (var topic in request.Topics)
        {
            var answer = new FetchResponse.FetchableTopicResponse { Topic = topic.Topic, TopicId = topic.TopicId };
            foreach (var partition in topic.Partitions)
            {
                answer.Partitions.Add(Failed(partition.Partition, error));
            }

            response.Responses.Add(answer);
        }

        return response;
    }

    // Enough to answer without waiting: min_bytes are readable, or a partition has an error to report (as Kafka's delayed fetch).
    private static bool Satisfied(List<PartitionFetch> fetches, FetchRequest request)
    {
        var budget = new FetchBudget(request.MaxBytes);
        foreach (var fetch in fetches)
        {
            if (fetch.Error != KafkaErrorCode.None)
            {
                return true;
            }

            budget.Take(fetch.Records.Span, fetch.Request.PartitionMaxBytes);
        }

        return budget.Used >= request.MinBytes;
    }

    // Long-polls every partition that had nothing to read, until enough arrived, one failed, or the wait is over; then stops the rest.
    private async Task WaitForDataAsync(List<PartitionFetch> fetches, FetchRequest request, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(maxWait);
        var waiting = new List<Task<PartitionFetch>>();
        foreach (var fetch in fetches)
        {
            if (fetch.Grain is not null && fetch.Records.IsEmpty)
            {
                waiting.Add(FetchAsync(fetch, request.MaxBytes, maxWait, stop.Token, cancellationToken));
            }
        }

        try
        {
            while (waiting.Count > 0)
            {
                var done = await Task.WhenAny(waiting).ConfigureAwait(false);
                waiting.Remove(done);
                await done.ConfigureAwait(false);
                if (Satisfied(fetches, request))
                {
                    break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);

            // The stopped waits end promptly (the grain honours the cancellation) and keep what their first read found.
            await Task.WhenAll(waiting).ConfigureAwait(false);
        }
    }

    // One read of a partition, waiting up to maxWait for data at its fetch offset; a wait stopped by `stop` keeps the earlier result.
    private async Task<PartitionFetch> FetchAsync(PartitionFetch fetch, int responseMaxBytes, TimeSpan maxWait, CancellationToken stop, CancellationToken cancellationToken)
    {
        var maxBytes = Math.Max(1, Math.Min(fetch.Request.PartitionMaxBytes, responseMaxBytes));
        try
        {
            fetch.Result = await fetch.Grain!.FetchAsync(fetch.Request.FetchOffset, maxBytes, maxWait, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            fetch.Error = KafkaErrors.From(e);
            if (fetch.Error == KafkaErrorCode.UnknownServerError)
            {
                LogFetchFailed(fetch.Topic, fetch.Request.Partition, fetch.Request.FetchOffset, e);
            }
        }

        return fetch;
    }

    private FetchResponse Respond(List<PartitionFetch> fetches, FetchRequest request, bool byId)
    {
        var response = new FetchResponse();
        var budget = new FetchBudget(request.MaxBytes);
        var next = 0;
        foreach (var topic in request.Topics)
        {
            var answer = byId
                ? new FetchResponse.FetchableTopicResponse { TopicId = topic.TopicId }
                : new FetchResponse.FetchableTopicResponse { Topic = topic.Topic };
            for (var i = 0; i < topic.Partitions.Count; i++)
            {
                var fetch = fetches[next++];
                if (fetch.Error != KafkaErrorCode.None)
                {
                    KafkaMetrics.RecordError(ApiName, (short)fetch.Error);
                    if (fetch.Error is KafkaErrorCode.UnknownTopicOrPartition or KafkaErrorCode.UnknownTopicId)
                    {
                        topics.Forget(fetch.Topic);
                    }

                    answer.Partitions.Add(Failed(fetch.Request.Partition, fetch.Error));
                    continue;
                }

                var records = fetch.Records;
                var result = fetch.Result!;
                answer.Partitions.Add(new FetchResponse.PartitionData
                {
                    PartitionIndex = fetch.Request.Partition,
                    HighWatermark = result.HighWatermark,
                    LastStableOffset = result.HighWatermark,
                    LogStartOffset = result.LogStartOffset,
                    Records = records[..budget.Take(records.Span, fetch.Request.PartitionMaxBytes)],
                });
            }

            response.Responses.Add(answer);
        }

        return response;
    }

    private static FetchResponse.PartitionData Failed(int partition, KafkaErrorCode error) => new()
    {
        PartitionIndex = partition,
        ErrorCode = (short)error,
        HighWatermark = -1,
        LastStableOffset = -1,
        LogStartOffset = -1,
        Records = ReadOnlyMemory<byte>.Empty,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka fetch from {Topic}-{Partition} at offset {Offset} failed unexpectedly; answered UNKNOWN_SERVER_ERROR")]
    private partial void LogFetchFailed(string topic, int partition, long offset, Exception error);

    // One requested partition: where it is and what reading it gave.
    private sealed class PartitionFetch(string topic, FetchRequest.FetchPartition request, IPartitionGrain? grain, KafkaErrorCode error)
    {
        public string Topic { get; } = topic;

        public FetchRequest.FetchPartition Request { get; } = request;

        public IPartitionGrain? Grain { get; } = grain;

        public KafkaErrorCode Error { get; set; } = error;

        public FetchResult? Result { get; set; }

        public ReadOnlyMemory<byte> Records => Result?.Records ?? ReadOnlyMemory<byte>.Empty;
    }
}
