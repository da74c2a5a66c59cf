using OrleansLog.Partitions;

namespace OrleansLog.Client;

/// <summary>One batch a producer is filling or sending for one partition; all its records complete together.</summary>
internal sealed class ProducerBatch(TopicPartition partition)
{
    private List<(int Index, long Timestamp, Action<DeliveryResult, Exception?> Handler)>? _handlers;

    public TopicPartition Partition { get; } = partition;

    public int RecordCount { get; set; }

    /// <summary>The bytes its records took from the producer's buffer memory.</summary>
    public long BufferedBytes { get; set; }

    public long CreatedAt { get; } = Environment.TickCount64;

    /// <summary>The encoded v2 batch, once sealed.</summary>
    public byte[]? Bytes { get; set; }

    public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void AddHandler(int index, long timestamp, Action<DeliveryResult, Exception?> handler) =>
        (_handlers ??= []).Add((index, timestamp, handler));

    public void Complete(AppendResult result, bool offsetsKnown)
    {
        if (_handlers is not null)
        {
            foreach (var (index, timestamp, handler) in _handlers)
            {
                var delivered = new DeliveryResult(
                    Partition.Topic,
                    Partition.Partition,
                    offsetsKnown ? result.BaseOffset + index : -1,
                    result.LogAppendTime >= 0 ? result.LogAppendTime : timestamp);
                Invoke(handler, delivered, null);
            }
        }

        Completion.TrySetResult(offsetsKnown ? result : result with { BaseOffset = -1 });
    }

    public void Fail(Exception error)
    {
        if (_handlers is not null)
        {
            foreach (var (_, timestamp, handler) in _handlers)
            {
                Invoke(handler, new DeliveryResult(Partition.Topic, Partition.Partition, -1, timestamp), error);
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
