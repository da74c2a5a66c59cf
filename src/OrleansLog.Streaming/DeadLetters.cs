using System.Collections.Concurrent;
using Orleans.Runtime;

namespace OrleansLog.Streaming;

/// <summary>Events a subscriber failed <see cref="OrleansLogStreamOptions.MaxDeliveryAttempts"/> times, waiting for the failure handler to write them to the dead-letter topic.</summary>
internal sealed class DeadLetters
{
    private readonly ConcurrentDictionary<(StreamId, long), (OrleansLogBatchContainer Event, int Attempts)> _events = new();

    public void Add(OrleansLogBatchContainer container, int attempts) => _events[(container.StreamId, container.Token.Offset)] = (container, attempts);

    public bool TryTake(StreamId streamId, long offset, out OrleansLogBatchContainer container, out int attempts)
    {
        if (_events.TryRemove((streamId, offset), out var entry))
        {
            (container, attempts) = entry;
            return true;
        }

        (container, attempts) = (null!, 0);
        return false;
    }
}
