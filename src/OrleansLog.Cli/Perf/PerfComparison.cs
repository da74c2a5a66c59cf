using System.Globalization;
using System.Text.Json;

namespace OrleansLog.Cli.Perf;

/// <summary>The result of a perf command with <c>--client both</c>: the native client's report, the Kafka client's, and their ratio.</summary>
public sealed record PerfComparison(string Command, IReadOnlyDictionary<string, string> Settings, PerfReport Native, PerfReport Kafka)
{
    /// <summary>The Kafka client's median records/sec over the native client's (0 when the native client moved nothing).</summary>
    public double RecordsPerSecondRatio => Native.MedianRecordsPerSecond > 0 ? Kafka.MedianRecordsPerSecond / Native.MedianRecordsPerSecond : 0;

    /// <summary>The Kafka client's median MB/sec over the native client's.</summary>
    public double MegabytesPerSecondRatio => Native.MedianMegabytesPerSecond > 0 ? Kafka.MedianMegabytesPerSecond / Native.MedianMegabytesPerSecond : 0;

    /// <summary>
    /// Each round's Kafka records/sec over the native records/sec of the same round (the clients run in turns), in run order.
    /// Less swayed than the ratio of medians by a machine whose speed drifts during the invocation.
    /// </summary>
    public IReadOnlyList<double> RoundRatios => Native.Runs.Zip(Kafka.Runs, (native, kafka) => native.RecordsPerSecond > 0 ? kafka.RecordsPerSecond / native.RecordsPerSecond : 0).ToList();

    /// <summary>The median of <see cref="RoundRatios"/>.</summary>
    public double MedianRoundRatio => PerfReport.MedianValue(RoundRatios);

    /// <summary>The ratio line of the text output.</summary>
    public string DescribeRatio() => string.Create(
        CultureInfo.InvariantCulture,
        $"kafka/native: {RecordsPerSecondRatio:F2} (median records/sec), {MegabytesPerSecondRatio:F2} (median MB/sec), " +
        $"{MedianRoundRatio:F2} (median of the rounds' records/sec ratios: {string.Join(", ", RoundRatios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))})");

    /// <summary>The comparison as indented JSON: each client's runs and medians, and the ratios kafka/native.</summary>
    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            command = Command,
            settings = Settings,
            native = new { runs = Native.RunsFigures(), median = Native.MedianFigures() },
            kafka = new { runs = Kafka.RunsFigures(), median = Kafka.MedianFigures() },
            ratio = new { recordsPerSecond = RecordsPerSecondRatio, megabytesPerSecond = MegabytesPerSecondRatio, medianOfRounds = MedianRoundRatio, rounds = RoundRatios },
        },
        PerfReport.JsonOptions);
}
