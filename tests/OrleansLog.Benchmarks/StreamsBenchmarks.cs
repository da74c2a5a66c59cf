using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansLog.Testing;

namespace OrleansLog.Benchmarks;

/// <summary>
/// Events through an Orleans stream provider, from the cluster client to a subscriber on the client: 8 streams, each sending its
/// events one after another (each <c>OnNextAsync</c> awaited), so 8 are in flight. The baseline is Orleans' in-memory stream
/// provider in the same one-silo cluster; OrleansLog's events are durable in Blob Storage (Azurite) before <c>OnNextAsync</c>
/// returns. Each iteration prints the end-to-end latency percentiles. Run with
/// <c>dotnet run -c Release --project tests/OrleansLog.Benchmarks -- --filter *Streams*</c>.
/// </summary>
[Config(typeof(Config))]
[MedianColumn]
public class StreamsBenchmarks
{
    /// <summary>Events per operation.</summary>
    public const int Events = 4000;

    private const int Streams = 8;
    private LogCluster _log = null!;
    private List<IAsyncStream<long>> _streams = null!;
    private readonly List<StreamSubscriptionHandle<long>> _handles = [];
    private long[] _latencies = new long[Events];
    private int _received;
    private TaskCompletionSource _done = new();

    /// <summary>The stream provider: "memory" (Orleans' in-memory provider, the baseline) or "orleanslog".</summary>
    [Params("memory", "orleanslog")]
    public string Provider { get; set; } = "memory";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var topic = LogCluster.NewTopic("streams-bench");
        Action<OrleansLog.Streaming.OrleansLogStreamOptions> configure = o =>
        {
            o.Topic = topic;
            o.Partitions = 4;
        };
        _log = await LogCluster.StartAsync(
            silos: 1,
            configureSilo: (_, silo) => silo.AddOrleansLogStreams("orleanslog", configure).AddMemoryStreams("memory"),
            configureClient: client => client.AddOrleansLogStreams("orleanslog", configure).AddMemoryStreams("memory"));
        var provider = _log.Cluster.Client.GetStreamProvider(Provider);
        _streams = Enumerable.Range(0, Streams).Select(i => provider.GetStream<long>(StreamId.Create("bench", $"s{i}"))).ToList();
        foreach (var stream in _streams)
        {
            _handles.Add(await stream.SubscribeAsync((sent, _) =>
            {
                var index = Interlocked.Increment(ref _received) - 1;
                if (index < Events)
                {
                    _latencies[index] = Stopwatch.GetTimestamp() - sent;
                }

                if (index == Events - 1)
                {
                    _done.TrySetResult();
                }

                return Task.CompletedTask;
            }));
        }
    }

    [IterationSetup]
    public void ResetCounters()
    {
        _received = 0;
        _latencies = new long[Events];
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [IterationCleanup]
    public void ReportLatency()
    {
        var sorted = _latencies.Order().ToArray();
        Console.WriteLine($"// {Provider}: end-to-end latency p50 {Ms(sorted[sorted.Length / 2]):F2} ms, p99 {Ms(sorted[sorted.Length * 99 / 100]):F2} ms, max {Ms(sorted[^1]):F2} ms");
        static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var handle in _handles)
        {
            await handle.UnsubscribeAsync();
        }

        await _log.DisposeAsync();
    }

    /// <summary>Sends <see cref="Events"/> events over 8 streams and waits until the subscriber has them all.</summary>
    [Benchmark]
    public async Task SendAndReceive()
    {
        await Task.WhenAll(_streams.Select(async stream =>
        {
            for (var i = 0; i < Events / Streams; i++)
            {
                await stream.OnNextAsync(Stopwatch.GetTimestamp());
            }
        }));
        await _done.Task.WaitAsync(TimeSpan.FromMinutes(2));
    }

    private sealed class Config : SingleInvocationConfig
    {
        public Config()
            : base(iterations: 5)
        {
        }
    }
}
