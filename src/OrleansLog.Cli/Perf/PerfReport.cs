using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansLog.Cli.Perf;

/// <summary>The figures of one perf run: volume, rates and latency percentiles (milliseconds).</summary>
public sealed record PerfRun(
    long Records,
    long Bytes,
    double Seconds,
    long Failed,
    double MeanLatencyMs,
    double P50LatencyMs,
    double P95LatencyMs,
    double P99LatencyMs,
    double MaxLatencyMs)
{
    /// <summary>Records per second.</summary>
    public double RecordsPerSecond => Seconds > 0 ? Records / Seconds : 0;

    /// <summary>Megabytes (10^6 bytes, as Kafka's perf tools) per second.</summary>
    public double MegabytesPerSecond => Seconds > 0 ? Bytes / 1e6 / Seconds : 0;

    /// <summary>Takes the figures from a finished run's histogram.</summary>
    public static PerfRun From(long records, long bytes, TimeSpan elapsed, long failed, LatencyHistogram latency) => new(
        records,
        bytes,
        elapsed.TotalSeconds,
        failed,
        latency.Mean / 1000,
        latency.Percentile(50) / 1000.0,
        latency.Percentile(95) / 1000.0,
        latency.Percentile(99) / 1000.0,
        latency.Max / 1000.0);

    /// <summary>Kafka's perf-test summary line.</summary>
    public string Describe(string verb) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Records} records {verb}, {RecordsPerSecond:F1} records/sec ({MegabytesPerSecond:F2} MB/sec), {MeanLatencyMs:F2} ms avg latency, " +
        $"{P50LatencyMs:F2} ms p50, {P95LatencyMs:F2} ms p95, {P99LatencyMs:F2} ms p99, {MaxLatencyMs:F2} ms max latency{(Failed > 0 ? $", {Failed} failed" : "")}");
}

/// <summary>The result of a perf command: each run, and the medians over runs.</summary>
public sealed record PerfReport(string Command, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<PerfRun> Runs)
{
    /// <summary>Per-figure medians over the runs.</summary>
    public PerfRun Median => new(
        MedianOf(r => r.Records),
        MedianOf(r => r.Bytes),
        MedianOf(r => r.Seconds),
        MedianOf(r => r.Failed),
        MedianOf(r => r.MeanLatencyMs),
        MedianOf(r => r.P50LatencyMs),
        MedianOf(r => r.P95LatencyMs),
        MedianOf(r => r.P99LatencyMs),
        MedianOf(r => r.MaxLatencyMs));

    /// <summary>Median records per second over the runs (not records / median seconds).</summary>
    public double MedianRecordsPerSecond => MedianValue(Runs.Select(r => r.RecordsPerSecond));

    /// <summary>Median MB per second over the runs.</summary>
    public double MedianMegabytesPerSecond => MedianValue(Runs.Select(r => r.MegabytesPerSecond));

    /// <summary>The report as indented JSON, for scripts.</summary>
    public string ToJson() => JsonSerializer.Serialize(new { command = Command, settings = Settings, runs = RunsFigures(), median = MedianFigures() }, JsonOptions);

    /// <summary>The medians as one summary line (as <see cref="PerfRun.Describe"/>).</summary>
    public string DescribeMedian(string verb)
    {
        var median = Median;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"median of {Runs.Count} runs: {MedianRecordsPerSecond:F1} records/sec ({MedianMegabytesPerSecond:F2} MB/sec), " +
            $"{median.P50LatencyMs:F2} ms p50, {median.P95LatencyMs:F2} ms p95, {median.P99LatencyMs:F2} ms p99, {median.MaxLatencyMs:F2} ms max latency ({verb})");
    }

    /// <summary>The options every perf report is written to JSON with.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Each run's figures, for JSON.</summary>
    internal IEnumerable<object> RunsFigures() => Runs.Select(Figures);

    /// <summary>The medians' figures (rates as medians of the runs' rates), for JSON.</summary>
    internal object MedianFigures() => Figures(Median) with { RecordsPerSecond = MedianRecordsPerSecond, MegabytesPerSecond = MedianMegabytesPerSecond };

    private static RunFigures Figures(PerfRun r) => new(r.Records, r.Bytes, r.Seconds, r.Failed, r.RecordsPerSecond, r.MegabytesPerSecond, r.MeanLatencyMs, r.P50LatencyMs, r.P95LatencyMs, r.P99LatencyMs, r.MaxLatencyMs);

    private long MedianOf(Func<PerfRun, long> figure) => (long)MedianValue(Runs.Select(r => (double)figure(r)));

    private double MedianOf(Func<PerfRun, double> figure) => MedianValue(Runs.Select(figure));

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count; 0 for none).</summary>
    internal static double MedianValue(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record RunFigures(
        long Records, long Bytes, double Seconds, long Failed, double RecordsPerSecond, double MegabytesPerSecond,
        double MeanLatencyMs, double P50LatencyMs, double P95LatencyMs, double P99LatencyMs, double MaxLatencyMs);
}
