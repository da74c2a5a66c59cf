using OrleansLog.Partitions;

namespace OrleansLog.Client;

/// <summary>One batch a producer is filling or sending for one partition; all its records complete together.</summary>
internal sealed class ProducerBatch(TopicPartition partition, long createdAt)
{
    private List<(int Index, long Timestamp, Action<DeliveryResult, Exception?> Handler)>? _handlers;

    public TopicPartition Partition { get; } = partition;

    public int RecordCount { get; set; }

    /// <summary>The bytes its records took from the producer's buffer memory.</summary>
    public long BufferedBytes { get; set; }

    /// <summary>When the batch was opened, as a <see cref="TimeProvider"/> timestamp (linger counts from here).</summary>
    public long CreatedAt { get; } = createdAt;

    /// <summary>The encoded v2 batch, once sealed.</summary>
    public byte[]? Bytes { get; set; }

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void AddHandler(int index, long timestamp, Action<DeliveryResult, Exception?> handler) =>
        (_handlers ??= []).Add((index, timestamp, handler));

    /// <summary>Completes every record of the batch; without <paramref name="offsetsKnown"/> (acks=none) their offsets are -1.</summary>
    public void Complete(AppendResult result, bool offsetsKnown)
    {
        result = offsetsKnown ? result : result with { BaseOffset = -1 };
        if (_handlers is not null)
        {
            foreach (var (index, timestamp, handler) in _handlers)
            {
                Invoke(handler, DeliveryResult.Of(Partition, result, index, timestamp), null);
            }
        }

        Completion.TrySetResult(result);
    }

    /// <summary>Fails every record of the batch with <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        if (_handlers is not null)
        {
            foreach (var (_, timestamp, handler) in _handlers)
            {
                Invoke(handler, DeliveryResult.Of(Partition, new AppendResult(-1, -1, -1), 0, timestamp), error);
            }
        }

        Completion.TrySetException(error);
    }

    // A handler that throws must not stop the others, nor the producer's sender.
    private static void Invoke(Action<DeliveryResult, Exception?> handler, DeliveryResult result, Exception? error)
    {
        try
        {
            handler(result, error);
        }
        catch
        {
        }
    }
}
