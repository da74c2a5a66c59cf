namespace OrleansLog.Client;

/// <summary>
/// A producer's <see cref="ProducerOptions.BufferMemory"/>: the bytes of records queued and not yet acknowledged. A record that does not
/// fit waits until sent batches free room; one record alone is always let in, however large, so it can fail with a clear error later.
/// </summary>
internal sealed class BufferMemory(long capacity)
{
    private readonly object _lock = new();
    private long _used;
    private TaskCompletionSource _freed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Takes <paramref name="size"/> bytes if they fit now.</summary>
    public bool TryReserve(long size)
    {
        lock (_lock)
        {
            if (_used + size <= capacity || _used == 0)
            {
                _used += size;
                return true;
            }

            return false;
        }
    }

    /// <summary>Takes <paramref name="size"/> bytes, waiting until they fit.</summary>
    public async ValueTask ReserveAsync(long size, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_used + size <= capacity || _used == 0)
                {
                    _used += size;
                    return;
                }

                wait = _freed.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives back <paramref name="size"/> bytes and wakes the records waiting for room.</summary>
    public void Release(long size)
    {
        TaskCompletionSource freed;
        lock (_lock)
        {
            _used -= size;
            freed = _freed;
            _freed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        freed.TrySetResult();
    }
}
