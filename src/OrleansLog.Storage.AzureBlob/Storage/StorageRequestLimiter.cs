using Azure.Core;
using Azure.Core.Pipeline;

namespace OrleansLog.Storage;

/// <summary>
/// A storage client pipeline step that lets at most a fixed number of blob requests be in flight at once; the rest wait their turn.
/// </summary>
/// <remarks>
/// Every blob client made from one <see cref="OrleansLogStorageOptions"/> shares one limiter, so segment appends, reads and grain
/// state together stay under the limit. It runs per try, so a request waiting out a retry back-off holds no slot. Without it, a
/// burst such as 10,000 partitions recovering at once sent tens of thousands of concurrent requests and Azurite stopped answering.
/// </remarks>
internal sealed class StorageRequestLimiter(int maxConcurrentRequests) : HttpPipelinePolicy
{
    private readonly SemaphoreSlim _slots = new(maxConcurrentRequests, maxConcurrentRequests);

    /// <summary>The most requests in flight at once.</summary>
    public int MaxConcurrentRequests { get; } = maxConcurrentRequests;

    /// <summary>Requests in flight now.</summary>
    public int InFlight => MaxConcurrentRequests - _slots.CurrentCount;

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        await _slots.WaitAsync(message.CancellationToken).ConfigureAwait(false);
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        _slots.Wait(message.CancellationToken);
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            _slots.Release();
        }
    }
}
