namespace OrleansLog.Groups;

/// <summary>
/// Writes one persistent grain state with at most one write in flight: callers that change the state while a write runs share the next
/// write, so a burst of concurrent changes costs two writes, not one each. Meant for reentrant grains, whose turns interleave at awaits.
/// </summary>
internal sealed class CoalescingStateWriter<TState>(IPersistentState<TState> state, Func<TState> snapshot, Action? written = null)
{
    private long _changedVersion;
    private long _writtenVersion;
    private Task? _write;

    /// <summary>Records a change and returns once it (and every earlier change) is durable.</summary>
    public Task WriteAsync()
    {
        _changedVersion++;
        return FlushAsync();
    }

    /// <summary>Returns once every change recorded so far is durable, writing only if one is not yet.</summary>
    public async Task FlushAsync()
    {
        var wanted = _changedVersion;
        while (_writtenVersion < wanted)
        {
            var write = _write;
            if (write is null)
            {
                write = WriteOnceAsync();
                _write = write;
            }

            try
            {
                await write;
            }
            finally
            {
                if (_write == write)
                {
                    _write = null;
                }
            }
        }
    }

    private async Task WriteOnceAsync()
    {
        var version = _changedVersion;
        state.State = snapshot();
        await state.WriteStateAsync();
        written?.Invoke();
        _writtenVersion = Math.Max(_writtenVersion, version);
    }
}
