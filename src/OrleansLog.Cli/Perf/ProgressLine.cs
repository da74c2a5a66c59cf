using System.Diagnostics;
using System.Globalization;

namespace OrleansLog.Cli.Perf;

/// <summary>
/// The live progress of a perf run on stderr: one line rewritten in place every second in a terminal, or a new line every
/// five seconds when stderr is redirected (as Kafka's perf tools print), so logs stay readable.
/// </summary>
internal sealed class ProgressLine(CliConsole console, string verb) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public void Start(Func<long> records, Func<long> bytes, LatencyHistogram latency)
    {
        var interval = console.Interactive ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);
        _loop = Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            long lastRecords = 0, lastBytes = 0;
            var last = TimeSpan.Zero;
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    var now = clock.Elapsed;
                    var (r, b) = (records(), bytes());
                    var seconds = (now - last).TotalSeconds;
                    var line = string.Create(
                        CultureInfo.InvariantCulture,
                        $"{r} records {verb}, {(r - lastRecords) / seconds:F1} records/sec ({(b - lastBytes) / 1e6 / seconds:F2} MB/sec), " +
                        $"{latency.Mean / 1000:F1} ms avg latency, {latency.Max / 1000.0:F1} ms max latency.");
                    (lastRecords, lastBytes, last) = (r, b, now);
                    await console.Error.WriteAsync(console.Interactive ? "\r" + line.PadRight(120) : line + Environment.NewLine);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        if (console.Interactive)
        {
            await console.Error.WriteAsync("\r" + new string(' ', 120) + "\r");
        }

        _stop.Dispose();
    }
}
