using System.Diagnostics;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Segments;
using OrleansLog.Storage;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Storage;

/// <summary>
/// Blob storage that accepts connections and never answers: every segment request must fail with a typed error in bounded time, and no
/// more than the configured number may be in flight. (Grain state requests are covered through a silo in <c>HangingStorageTests</c>.)
/// </summary>
public sealed class StorageTimeoutTests(ITestOutputHelper output)
{
    // 2 tries of 0.5 s plus a 0.2 s back-off: the typed error must arrive well before this.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_segment_read_that_storage_never_answers_fails_with_a_storage_exception_naming_the_blob_within_the_bound()
    {
        await using var silent = new SilentTcpListener();
        var store = new AzureBlobSegmentStore(Microsoft.Extensions.Options.Options.Create(HangingStorage(silent)));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StorageException>(() => store.ReadBlobAsync("topics/x/0/00000000000000000000.index", CancellationToken.None));

        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.00} s: {error.Message}");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Bound);
        Assert.Contains("Reading topics/x/0/00000000000000000000.index timed out", error.Message);
        Assert.Contains("2 tries of up to 0.5 s each", error.Message);
        Assert.True(error.IsRetriable);
    }

    [Fact]
    public async Task A_segment_append_that_storage_never_answers_fails_with_a_storage_exception_naming_the_append()
    {
        await using var silent = new SilentTcpListener();
        var store = new AzureBlobSegmentStore(Microsoft.Extensions.Options.Options.Create(HangingStorage(silent)));
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<StorageException>(() => store.AppendBlockAsync("topics/x/0/00000000000000000000.log", new byte[100], 0, null, CancellationToken.None));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Bound);
        Assert.StartsWith("Appending 100 bytes to topics/x/0/00000000000000000000.log timed out", error.Message);
    }

    [Fact]
    public async Task Requests_beyond_the_concurrency_limit_wait_for_a_slot_instead_of_opening_connections()
    {
        await using var silent = new SilentTcpListener();
        var options = HangingStorage(silent, maxConcurrentRequests: 3, maxRetries: 0, requestTimeout: TimeSpan.FromSeconds(2));
        var store = new AzureBlobSegmentStore(Microsoft.Extensions.Options.Options.Create(options));

        var reads = Enumerable.Range(0, 12).Select(i => Assert.ThrowsAsync<StorageException>(() => store.ReadBlobAsync($"topics/x/{i}/00000000000000000000.index", CancellationToken.None))).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var inFlightWhileHung = options.Limiter!.InFlight;
        var acceptedWhileHung = silent.Accepted;
        var errors = await Task.WhenAll(reads);

        output.WriteLine($"in flight {inFlightWhileHung}, accepted while hung {acceptedWhileHung}, most open at once {silent.MaxOpen}, accepted in all {silent.Accepted}");
        Assert.Equal(3, inFlightWhileHung);
        Assert.Equal(3, acceptedWhileHung);
        Assert.Equal(12, errors.Length);
        Assert.Equal(0, options.Limiter.InFlight);
    }

    private static OrleansLogStorageOptions HangingStorage(SilentTcpListener silent, int maxConcurrentRequests = 64, int maxRetries = 1, TimeSpan? requestTimeout = null) => new()
    {
        ConnectionString = silent.ConnectionString,
        RequestTimeout = requestTimeout ?? TimeSpan.FromMilliseconds(500),
        MaxRetries = maxRetries,
        MaxConcurrentRequests = maxConcurrentRequests,
    };
}
