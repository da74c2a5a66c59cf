using Microsoft.Extensions.Logging;
using OrleansLog.Client.Telemetry;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.Client;

/// <summary>
/// Prefetches one assigned partition: a loop of long-poll fetches that queues whole batches for the consumer, pausing while
/// more than <see cref="ConsumerOptions.PrefetchBytesPerPartition"/> wait to be consumed.
/// </summary>
internal sealed class PartitionFetcher(
    TopicPartition partition,
    OrleansLogClient client,
    ConsumerOptions options,
    Action<FetchedChunk> deliver,
    Func<TopicPartition, CancellationToken, Task<long>>? committedOffset = null) : ILagSource
{
    private readonly ILogger _logger = client.LoggerFactory.CreateLogger("OrleansLog.Client.Consumer");
    private long _fetchPosition = -1;

    private readonly object _lock = new();
    private CancellationTokenSource? _cancel;
    private Task _loop = Task.CompletedTask;
    private long _queuedBytes;
    private TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TopicPartition Partition { get; } = partition;

    /// <summary>Bumped by every restart; chunks of an older generation are dropped.</summary>
    public int Generation { get; private set; }

    /// <summary>The next offset the consumer hands out (consumer thread only); <see cref="Offset.Unset"/> until known.</summary>
    public long Position { get; set; } = Offset.Unset;

    /// <summary>The partition's high watermark as of the last fetch, or -1.</summary>
    public long HighWatermark { get; private set; } = -1;

    /// <inheritdoc />
    public string? GroupId => options.GroupId;

    /// <inheritdoc />
    public long? Lag
    {
        get
        {
            // Behind the app's position when it has one (what Kafka's consumer lag means), else behind the fetch position.
            var highWatermark = HighWatermark;
            var position = Position >= 0 ? Position : Interlocked.Read(ref _fetchPosition);
            return highWatermark < 0 || position < 0 ? null : Math.Max(0, highWatermark - position);
        }
    }

    /// <summary>Starts (or restarts) fetching at <paramref name="offset"/>, which may be <see cref="Offset.Beginning"/>, <see cref="Offset.End"/> or <see cref="Offset.Unset"/>.</summary>
    public void Start(long offset)
    {
        lock (_lock)
        {
            _cancel?.Cancel();
            _cancel = new CancellationTokenSource();
            Generation++;
            Position = offset >= 0 ? offset : Offset.Unset;
            Interlocked.Exchange(ref _fetchPosition, offset >= 0 ? offset : -1);
            Interlocked.Exchange(ref _queuedBytes, 0);
            _drained.TrySetResult();
            var generation = Generation;
            var token = _cancel.Token;
            var previous = _loop;
            _loop = Task.Run(() => RunAsync(previous, offset, generation, token));
            ClientMetrics.ReportLag(this);
        }
    }

    /// <summary>Stops fetching.</summary>
    public Task StopAsync()
    {
        lock (_lock)
        {
            ClientMetrics.StopReportingLag(this);
            _cancel?.Cancel();
            Generation++;
            return _loop;
        }
    }

    /// <summary>The consumer finished with a chunk: room for more prefetching.</summary>
    public void Consumed(int bytes)
    {
        if (Interlocked.Add(ref _queuedBytes, -bytes) < options.PrefetchBytesPerPartition)
        {
            _drained.TrySetResult();
        }
    }

    private async Task RunAsync(Task previous, long offset, int generation, CancellationToken cancellationToken)
    {
        try
        {
            await previous.ConfigureAwait(false);
        }
        catch
        {
            // The previous loop's failure was already delivered.
        }

        var backoff = options.RetryBackoff;
        var retries = 0;
        var position = offset;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (position < 0)
                {
                    position = await ResolveAsync(position, cancellationToken).ConfigureAwait(false);
                    deliver(new FetchedChunk(this, generation, default, ResetPosition: position));
                }

                await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
                var result = await client.FetchAsync(Partition, position, options.MaxPartitionFetchBytes, options.FetchMaxWait, cancellationToken)
                    .ConfigureAwait(false);
                HighWatermark = result.HighWatermark;
                if (result.Records.Length > 0)
                {
                    long records = 0;
                    foreach (var batch in new RecordBatchSequence(result.Records))
                    {
                        var header = RecordBatchHeader.Read(batch.Span);
                        position = Math.Max(position, header.LastOffset + 1);
                        records += header.RecordCount;
                    }

                    var topic = new KeyValuePair<string, object?>("topic", Partition.Topic);
                    ClientMetrics.FetchedRecords.Add(records, topic);
                    ClientMetrics.FetchedBytes.Add(result.Records.Length, topic);
                    Interlocked.Add(ref _queuedBytes, result.Records.Length);
                    deliver(new FetchedChunk(this, generation, result.Records));
                }

                Interlocked.Exchange(ref _fetchPosition, position);
                backoff = options.RetryBackoff;
                retries = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (OffsetOutOfRangeException e) when (options.AutoOffsetReset != AutoOffsetReset.None)
            {
                var reset = options.AutoOffsetReset == AutoOffsetReset.Earliest ? e.LogStartOffset : e.LogEndOffset;
                ClientLog.OffsetReset(_logger, position, Partition.Topic, Partition.Partition, e.LogStartOffset, e.LogEndOffset, options.AutoOffsetReset, reset);
                position = reset;
                deliver(new FetchedChunk(this, generation, default, ResetPosition: position));
            }
            catch (UnknownTopicException e)
            {
                if (!await TopicStillExistsAsync(cancellationToken).ConfigureAwait(false))
                {
                    deliver(new FetchedChunk(this, generation, default, Error: e));
                    return;
                }

                // The topic was re-created under the same name: the cached id was refreshed; fetch again.
            }
            catch (Exception e) when (Retry.IsTransient(e))
            {
                ClientMetrics.Retries.Add(1, ClientMetrics.Failure("fetch", Partition.Topic, e));
                if (retries++ == 0)
                {
                    ClientLog.FetchRetrying(_logger, Partition.Topic, Partition.Partition, position, e.GetType().Name, e.Message);
                }
                else
                {
                    ClientLog.FetchRetryingAgain(_logger, Partition.Topic, Partition.Partition, position, e.GetType().Name, retries);
                }

                await Task.Delay(backoff, client.Time, cancellationToken).ConfigureAwait(false);
                backoff = Retry.NextBackoff(backoff, TimeSpan.FromSeconds(1));
            }
            catch (Exception e)
            {
                ClientMetrics.Errors.Add(1, ClientMetrics.Failure("fetch", Partition.Topic, e));
                ClientLog.FetchFailed(_logger, Partition.Topic, Partition.Partition, position, e.Message);
                deliver(new FetchedChunk(this, generation, default, Error: e));
                return;
            }
        }
    }

    private async Task<long> ResolveAsync(long offset, CancellationToken cancellationToken)
    {
        if (offset == Offset.Unset && committedOffset is not null)
        {
            // A group consumer starts at the group's committed offset; auto.offset.reset applies only without one (or when it fell out of range).
            var committed = await committedOffset(Partition, cancellationToken).ConfigureAwait(false);
            if (committed >= 0)
            {
                return committed;
            }
        }

        var spec = offset switch
        {
            Offset.Beginning => OffsetSpec.Earliest,
            Offset.End => OffsetSpec.Latest,
            _ => options.AutoOffsetReset switch
            {
                AutoOffsetReset.Earliest => OffsetSpec.Earliest,
                AutoOffsetReset.Latest => OffsetSpec.Latest,
                _ => throw new OffsetOutOfRangeException(Partition.Topic, Partition.Partition, offset, -1, -1),
            },
        };
        var found = await client.Admin.ListOffsetAsync(Partition, spec, cancellationToken).ConfigureAwait(false);
        return found.Offset;
    }

    private async Task<bool> TopicStillExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.Metadata.RefreshAsync(Partition.Topic, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (UnknownTopicException)
        {
            return false;
        }
    }

    private async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (Interlocked.Read(ref _queuedBytes) >= options.PrefetchBytesPerPartition)
        {
            var drained = _drained;
            if (drained.Task.IsCompleted)
            {
                Interlocked.CompareExchange(ref _drained, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), drained);
                continue;
            }

            await drained.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
