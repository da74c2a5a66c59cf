using OrleansLog.Producers;

namespace OrleansLog.Tests.Producing;

/// <summary>Hands out producer ids 1, 2, 3 and so on.</summary>
internal sealed class FakeProducerIdGrain : IProducerIdGrain
{
    private long _last;

    public Task<long> NextProducerIdAsync(CancellationToken cancellationToken = default) => Task.FromResult(Interlocked.Increment(ref _last));
}
