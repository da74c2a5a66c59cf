using System.Collections.Concurrent;
using Orleans.Runtime;

namespace OrleansLog.Streaming;

/// <summary>Deliveries a subscriber failed <see cref="OrleansLogStreamOptions.MaxDeliveryAttempts"/> times, waiting for the failure handler to write them to the dead-letter topic.</summary>
internal sealed class DeadLetters
{
    private readonly ConcurrentDictionary<(StreamId, long), (OrleansLogBatchContainer[] Events, int Attempts)> _events = new();

    /// <summary>Records the events of a failed delivery, under the stream and the offset of its last event (the delivery's token).</summary>
    public void Add(OrleansLogBatchContainer[] events, int attempts) => _events[(events[^1].StreamId, events[^1].Token.Offset)] = (events, attempts);

    public bool TryTake(StreamId streamId, long offset, out OrleansLogBatchContainer[] events, out int attempts)
    {
        if (_events.TryRemove((streamId, offset), out var entry))
        {
            (events, attempts) = entry;
            return true;
        }

        (events, attempts) = ([], 0);
        return false;
    }
}
