using Microsoft.Extensions.Logging;
using OrleansLog.Client.Telemetry;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.Client;

/// <summary>
/// Sends one partition's sealed batches, one append call at a time so their order is kept: lingers open batches, gathers whatever piled
/// up into the next call, stamps idempotent sequence numbers once before the first try, retries within the delivery timeout, then
/// completes or fails the batches and gives their bytes back to the producer's <see cref="BufferMemory"/>.
/// </summary>
internal sealed class PartitionSender(
    PartitionAccumulator accumulator,
    OrleansLogClient client,
    ProducerOptions options,
    BufferMemory buffer,
    Func<Task<long>> producerId,
    Func<bool> disposed,
    ILogger logger)
{
    // Copies of one append out at once at most (ProducerOptions.ResendInterval): bounds what a stuck partition holds for one producer.
    private const int MaxAppendCopies = 3;

    /// <summary>The partition's batches; lock it to change them.</summary>
    public PartitionAccumulator Accumulator => accumulator;

    /// <summary>Claims the send loop when batches are ready and none runs; call under the accumulator's lock, then <see cref="RunAsync"/> if true.</summary>
    public bool TryClaim()
    {
        if (accumulator.Sending || accumulator.Ready.Count == 0)
        {
            return false;
        }

        accumulator.Sending = true;
        return true;
    }

    /// <summary>Seals <paramref name="batch"/> once it has lingered <see cref="ProducerOptions.Linger"/> (unless it was sealed meanwhile) and sends it.</summary>
    public async Task LingerAsync(ProducerBatch batch)
    {
        await Task.Delay(options.Linger, client.Time).ConfigureAwait(false);
        bool start;
        lock (accumulator)
        {
            if (accumulator.Open != batch || disposed())
            {
                return;
            }

            accumulator.SealOpen();
            start = TryClaim();
        }

        if (start)
        {
            await RunAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The send loop (one per partition at a time, claimed by <see cref="TryClaim"/>): runs until no batch is ready.</summary>
    // Takes every sealed batch (up to MaxRequestSize) into one append call, so
    // order is kept and whatever piled up during a call travels in the next one.
    public async Task RunAsync()
    {
        var batches = new List<ProducerBatch>();
        while (true)
        {
            batches.Clear();
            lock (accumulator)
            {
                if (accumulator.Ready.Count == 0 && accumulator.Open is { } open
                    && (options.Linger == TimeSpan.Zero || client.Time.GetElapsedTime(open.CreatedAt) >= options.Linger))
                {
                    accumulator.SealOpen();
                }

                var bytes = 0;
                while (accumulator.Ready.TryPeek(out var next) && (batches.Count == 0 || bytes + next.Bytes!.Length <= options.MaxRequestSize))
                {
                    batches.Add(accumulator.Ready.Dequeue());
                    bytes += next.Bytes!.Length;
                }

                if (batches.Count == 0)
                {
                    accumulator.Sending = false;
                    return;
                }
            }

            await SendBatchesAsync(batches).ConfigureAwait(false);
            long freed = 0;
            foreach (var batch in batches)
            {
                freed += batch.BufferedBytes;
            }

            buffer.Release(freed);
        }
    }

    // One append call for the batches, retried within the delivery timeout; completes or fails every batch.
    private async Task SendBatchesAsync(List<ProducerBatch> batches)
    {
        var partition = accumulator.Partition;
        var idempotent = options.IsIdempotent;
        byte[]? payload = idempotent ? null : Concatenate(batches);
        var time = client.Time;
        var started = time.GetTimestamp();
        var backoff = options.RetryBackoff;
        var retries = 0;
        if (options.Acks == Acks.None)
        {
            // acks=None: the records count as sent now; the call still runs so that order per partition is kept.
            foreach (var batch in batches)
            {
                batch.Complete(new AppendResult(-1, -1, -1), offsetsKnown: false);
            }
        }

        while (true)
        {
            try
            {
                var metadata = await client.Metadata.GetAsync(partition.Topic).ConfigureAwait(false);
                var grain = client.GrainFactory.GetPartition(partition.Topic, metadata.TopicId, partition.Partition);
                if (payload is null)
                {
                    // Sequence numbers are given once, before the first attempt: every retry resends the same bytes, which is
                    // what lets the partition recognise a retry of a batch that already landed.
                    var id = await producerId().ConfigureAwait(false);
                    foreach (var batch in batches)
                    {
                        RecordBatch.SetProducerState(batch.Bytes, id, accumulator.ProducerEpoch, accumulator.NextSequence);
                        accumulator.NextSequence += batch.RecordCount;
                    }

                    payload = Concatenate(batches);
                }

                // The deadline bounds the call too: a partition stuck on storage must not hold the record past delivery.timeout.ms.
                var remaining = options.DeliveryTimeout - time.GetElapsedTime(started);
                var result = await AppendAsync(grain, payload, Max(remaining, TimeSpan.FromMilliseconds(1))).ConfigureAwait(false);
                long recordsBefore = 0;
                for (var i = 0; i < batches.Count; i++)
                {
                    batches[i].Complete(result with { BaseOffset = result.BaseOffsetOf(i, recordsBefore) }, offsetsKnown: options.Acks != Acks.None);
                    recordsBefore += batches[i].RecordCount;
                }

                var topic = new KeyValuePair<string, object?>("topic", partition.Topic);
                ClientMetrics.ProducedRecords.Add(recordsBefore, topic);
                ClientMetrics.ProducedBytes.Add(payload.Length, topic);

                return;
            }
            catch (Exception e) when (time.GetElapsedTime(started) < options.DeliveryTimeout && (Retry.IsTransient(e) || e is UnknownTopicException))
            {
                if (e is UnknownTopicException)
                {
                    // The cached topic id may be stale (the topic was re-created); a refresh throws if the topic is really gone.
                    client.Metadata.Invalidate(partition.Topic);
                    try
                    {
                        await client.Metadata.RefreshAsync(partition.Topic).ConfigureAwait(false);
                    }
                    catch (Exception refresh)
                    {
                        FailAll(batches, refresh, sequenced: payload is not null && idempotent);
                        return;
                    }
                }

                ClientMetrics.Retries.Add(1, ClientMetrics.Failure("produce", partition.Topic, e));
                if (retries++ == 0)
                {
                    ClientLog.SendRetrying(logger, partition.Topic, partition.Partition, e.GetType().Name, e.Message);
                }

                await Task.Delay(backoff, time).ConfigureAwait(false);
                backoff = Retry.NextBackoff(backoff, options.RetryBackoffMax);
            }
            catch (Exception e)
            {
                var error = time.GetElapsedTime(started) >= options.DeliveryTimeout && (Retry.IsTransient(e) || e is UnknownTopicException)
                    ? new DeliveryTimeoutException($"Records for {partition.Topic}-{partition.Partition} were not acknowledged within {options.DeliveryTimeout.TotalSeconds:0.#} s (ProducerOptions.DeliveryTimeout, Kafka's delivery.timeout.ms); the last error was: {e.Message}", e)
                    : e;
                FailAll(batches, error, sequenced: payload is not null && idempotent);
                return;
            }
        }
    }

    // One append attempt, bounded by the delivery deadline. An idempotent producer's append that has not answered within
    // ResendInterval is sent again beside the first (ProducerOptions.ResendInterval says why); whichever copy answers first is
    // the result, and a copy that fails transiently while another is still out is not an error yet.
    private async Task<AppendResult> AppendAsync(IPartitionGrain grain, byte[] payload, TimeSpan timeout)
    {
        var time = client.Time;
        if (!options.IsIdempotent || options.ResendInterval <= TimeSpan.Zero)
        {
            return await grain.AppendAsync(payload, options.Acks).WaitAsync(timeout, time).ConfigureAwait(false);
        }

        var started = time.GetTimestamp();
        var copies = new List<(Task<AppendResult> Call, CancellationTokenSource Cancel)>(MaxAppendCopies);

        // Cancelled on the way out, so an append that answers in milliseconds leaves no resend timer behind.
        using var resendTimer = new CancellationTokenSource();
        try
        {
            copies.Add(Send());
            while (true)
            {
                var left = timeout - time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException($"The append to {accumulator.Partition.Topic}-{accumulator.Partition.Partition} did not answer within {timeout.TotalSeconds:0.#} s.");
                }

                var resendDue = Task.Delay(left < options.ResendInterval ? left : options.ResendInterval, time, resendTimer.Token);
                var done = await Task.WhenAny(copies.Select(c => (Task)c.Call).Append(resendDue)).ConfigureAwait(false);
                if (done == resendDue)
                {
                    if (time.GetElapsedTime(started) < timeout)
                    {
                        ClientMetrics.Resends.Add(1, new KeyValuePair<string, object?>("topic", accumulator.Partition.Topic));
                        if (copies.Count == MaxAppendCopies)
                        {
                            Abandon(copies[0]);
                            copies.RemoveAt(0);
                        }

                        copies.Add(Send());
                    }

                    continue;
                }

                var index = copies.FindIndex(c => c.Call == done);
                var copy = copies[index];
                if (copy.Call.IsCompletedSuccessfully || copies.Count == 1 || copy.Call.Exception?.GetBaseException() is not { } failure || !Retry.IsTransient(failure))
                {
                    copies.RemoveAt(index);
                    copy.Cancel.Dispose();
                    return await copy.Call.ConfigureAwait(false);
                }

                // One copy failed on its way (say, its silo died); another is still out and may land.
                copies.RemoveAt(index);
                copy.Cancel.Dispose();
            }
        }
        finally
        {
            resendTimer.Cancel();
            foreach (var copy in copies)
            {
                Abandon(copy);
            }
        }

        (Task<AppendResult>, CancellationTokenSource) Send()
        {
            var cancel = new CancellationTokenSource();
            return (grain.AppendAsync(payload, options.Acks, cancel.Token), cancel);
        }

        // A copy no one waits for any more: cancelled (the partition keeps what it appended) and its outcome observed.
        static void Abandon((Task<AppendResult> Call, CancellationTokenSource Cancel) copy)
        {
            copy.Cancel.Cancel();
            copy.Cancel.Dispose();
            _ = copy.Call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private void FailAll(List<ProducerBatch> batches, Exception error, bool sequenced)
    {
        var partition = accumulator.Partition;
        ClientMetrics.Errors.Add(1, ClientMetrics.Failure("produce", partition.Topic, error));
        ClientLog.DeliveryFailed(logger, batches.Sum(b => b.RecordCount), partition.Topic, partition.Partition, error.Message);
        if (sequenced)
        {
            // Whether the failed batches landed is unknown, so the partition's next sequence is too: a new epoch starts at 0,
            // as Kafka's producer does after a batch expires.
            accumulator.ProducerEpoch++;
            accumulator.NextSequence = 0;
            ClientLog.EpochBumped(logger, accumulator.ProducerEpoch, partition.Topic, partition.Partition);
        }

        foreach (var batch in batches)
        {
            batch.Fail(error);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static byte[] Concatenate(List<ProducerBatch> batches)
    {
        if (batches.Count == 1)
        {
            return batches[0].Bytes!;
        }

        var size = 0;
        foreach (var batch in batches)
        {
            size += batch.Bytes!.Length;
        }

        var payload = GC.AllocateUninitializedArray<byte>(size);
        var position = 0;
        foreach (var batch in batches)
        {
            batch.Bytes!.CopyTo(payload, position);
            position += batch.Bytes.Length;
        }

        return payload;
    }
}
