using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OrleansLog.Cli.Perf;
using OrleansLog.Client;
using OrleansLog.Errors;
using OrleansLog.Partitions;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog perf partitions</c>: what a topic with many partitions costs to create, describe, list offsets of, produce to and delete, against a small baseline.</summary>
internal static class PerfPartitionsCommand
{
    public static Command Create(CommandContext context)
    {
        var topic = new Option<string>("--topic") { Description = "Prefix of the topics each run creates (a new one per run and size).", DefaultValueFactory = _ => "perf-partitions" };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the topic each run creates.", DefaultValueFactory = _ => 10_000 };
        var baseline = new Option<int>("--baseline-partitions") { Description = "Run the same steps on a topic this small first, for ratios; 0 skips it.", DefaultValueFactory = _ => 10 };
        var records = new Option<long?>("--records") { Description = "Records to produce, spread evenly over the partitions (default: 2 per partition)." };
        var recordSize = new Option<int>("--record-size") { Description = "Bytes of each record's value.", DefaultValueFactory = _ => 100 };
        var metrics = new Option<string>("--metrics") { Description = "The silo's Prometheus endpoint, for its memory and activations.", DefaultValueFactory = _ => "http://127.0.0.1:8080/metrics" };
        var delete = new Option<bool>("--delete") { Description = "Delete each topic at the end of its run, timed as a step (slow on Azurite once every partition is active)." };
        var runs = PerfCommand.RunsOption();
        var json = PerfCommand.JsonOption();
        var producerOptions = new ProducerSettingsOptions();
        var command = new Command(
            "partitions",
            """
            Measure what a topic with many partitions costs: create it, describe it and list its latest offsets while every partition is
            idle, produce --records records spread evenly over all partitions, then describe it and list offsets again. Reports each step's
            wall time and the silo's working set and activations (scraped from --metrics) before and after each step, and checks that the
            listed offsets add up to the acknowledged records. With --baseline-partitions the same steps run first on a small topic; with
            --delete each topic is deleted at the end, as a timed step.

            Examples:
              orleanslog perf partitions --partitions 10000 --metrics http://127.0.0.1:8080/metrics
              orleanslog perf partitions --partitions 10000 --records 50000 --runs 3 --json
            """)
        {
            topic, partitions, baseline, records, recordSize, metrics, delete, runs, json,
        };
        producerOptions.AddTo(command);
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var deleteTopics = parse.GetValue(delete);
            var prefix = parse.GetValue(topic) ?? "perf-partitions";
            var count = (int)PerfCommand.Positive(parse.GetValue(partitions), "--partitions");
            var small = (int)PerfCommand.NonNegative(parse.GetValue(baseline), "--baseline-partitions");
            var size = (int)PerfCommand.NonNegative(parse.GetValue(recordSize), "--record-size");
            // Reaching every partition of a large topic activates each one; on a small machine that can outlast the default 2 minutes.
            var options = producerOptions.Read(parse) with { DeliveryTimeout = TimeSpan.FromMinutes(10) };
            if (!Uri.TryCreate(parse.GetValue(metrics), UriKind.Absolute, out var metricsUri))
            {
                throw new CliException($"--metrics '{parse.GetValue(metrics)}' is not an absolute URL such as http://127.0.0.1:8080/metrics.", ExitCodes.Usage);
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var results = new List<PartitionsRun>();
            for (var run = 0; run < PerfCommand.Positive(parse.GetValue(runs), "--runs"); run++)
            {
                foreach (var topicPartitions in small > 0 ? new[] { small, count } : [count])
                {
                    // The baseline gets the same records per partition as the large topic.
                    var total = parse.GetValue(records) is { } chosen ? PerfCommand.Positive(chosen, "--records") * topicPartitions / count : 2L * topicPartitions;
                    var name = FormattableString.Invariant($"{prefix}-{topicPartitions}-{Guid.NewGuid().ToString("N")[..8]}");
                    var result = await PartitionsRunAsync(connection, http, metricsUri, name, topicPartitions, Math.Max(1, total), size, options, deleteTopics, context.Console, cancellationToken);
                    results.Add(result);
                    if (!parse.GetValue(json))
                    {
                        await context.Console.Out.WriteLineAsync(result.Describe());
                    }
                }
            }

            await ReportPartitionsAsync(context.Console, results, count, small, parse.GetValue(json));
            return results.All(r => r.Consistent) ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }

    private static async Task<PartitionsRun> PartitionsRunAsync(
        ClusterConnection connection, HttpClient http, Uri metricsUri, string topic, int partitions, long records, int recordSize, ProducerOptions options, bool delete, CliConsole console, CancellationToken cancellationToken)
    {
        var admin = connection.Log.Admin;
        var steps = new List<PartitionsStep>();
        var before = await SiloMetrics.ScrapeAsync(http, metricsUri, cancellationToken);
        var idle = 0;
        long acknowledged = 0, failed = 0, latestSum = 0;
        Exception? firstError = null;

        // A step that fails ends the run but keeps the figures so far: the failure and its time are part of the result.
        var failedStep = false;
        async Task Step(string name, Func<Task> action)
        {
            if (failedStep)
            {
                return;
            }

            await console.Error.WriteLineAsync($"{topic}: {name}...");
            var clock = Stopwatch.StartNew();
            try
            {
                await action();
            }
            catch (Exception e) when (e is OrleansLogException or TimeoutException)
            {
                failedStep = true;
                failed++;
                await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"orleanslog: {name} failed after {clock.Elapsed.TotalSeconds:F1} s: {e.Message}"));
            }

            var seconds = clock.Elapsed.TotalSeconds;
            steps.Add(new PartitionsStep(failedStep ? name + " (failed)" : name, seconds, await SiloMetrics.ScrapeAsync(http, metricsUri, cancellationToken)));
        }

        await Step("create", () => admin.CreateTopicAsync(topic, partitions, cancellationToken: cancellationToken));
        await Step("describe", async () => idle = (await admin.DescribePartitionsAsync(topic, cancellationToken)).Count(p => !p.IsActive));
        await Step("offsets", () => admin.ListOffsetsAsync(topic, OffsetSpec.Latest, cancellationToken: cancellationToken));
        await Step("produce", async () =>
        {
            var payload = new byte[recordSize];
            Random.Shared.NextBytes(payload);
            var message = new Message<byte[]?, byte[]> { Value = payload };
            await using var producer = connection.Log.CreateProducer<byte[]?, byte[]>(options);
            for (long n = 0; n < records; n++)
            {
                await producer.SendAsync(
                    new TopicPartition(topic, (int)(n % partitions)),
                    message,
                    (_, error) =>
                    {
                        if (error is null)
                        {
                            Interlocked.Increment(ref acknowledged);
                        }
                        else
                        {
                            Interlocked.CompareExchange(ref firstError, error, null);
                            Interlocked.Increment(ref failed);
                        }
                    },
                    cancellationToken);
            }

            await producer.FlushAsync(cancellationToken);
        });
        await Step("describe-active", () => admin.DescribePartitionsAsync(topic, cancellationToken));
        await Step("offsets-active", async () => latestSum = (await admin.ListOffsetsAsync(topic, OffsetSpec.Latest, cancellationToken: cancellationToken)).Sum(o => o.Offset));
        if (delete)
        {
            await Step("delete", () => admin.DeleteTopicAsync(topic, cancellationToken));
        }

        if (firstError is not null)
        {
            await console.Error.WriteLineAsync($"orleanslog: {failed} record(s) failed; the first: {firstError.Message}");
        }

        return new PartitionsRun(topic, partitions, before, steps, idle, acknowledged, failed, latestSum);
    }

    private static async Task ReportPartitionsAsync(CliConsole console, List<PartitionsRun> results, int partitions, int baseline, bool json)
    {
        string[] stepNames = ["create", "describe", "offsets", "produce", "describe-active", "offsets-active", "delete"];
        double Median(IEnumerable<double> values)
        {
            var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }

        var large = results.Where(r => r.Partitions == partitions).ToList();
        var small = results.Where(r => r.Partitions == baseline && baseline != partitions).ToList();
        var summary = stepNames.ToDictionary(
            s => s,
            s => new { seconds = Median(large.Select(r => r.SecondsOf(s))), baselineSeconds = Median(small.Select(r => r.SecondsOf(s))) });
        double MedianGrowth(Func<PartitionsRun, SiloMetrics?> after) =>
            Median(large.Where(r => r.SiloBefore is not null && after(r) is not null).Select(r => (double)after(r)!.WorkingSetBytes - r.SiloBefore!.WorkingSetBytes));
        var workingSetAfterDescribe = MedianGrowth(r => r.Steps.FirstOrDefault(s => s.Name == "offsets")?.SiloAfter);
        var workingSetAfterProduce = MedianGrowth(r => r.Steps.FirstOrDefault(s => s.Name == "produce")?.SiloAfter);
        var workingSetAfterDelete = MedianGrowth(r => r.Steps.FirstOrDefault(s => s.Name == "delete")?.SiloAfter);
        if (json)
        {
            await console.Out.WriteLineAsync(System.Text.Json.JsonSerializer.Serialize(
                new { command = "perf partitions", partitions, baselinePartitions = baseline, runs = results, medians = summary, workingSetGrowthAfterDescribeAndOffsets = workingSetAfterDescribe, workingSetGrowthAfterProduce = workingSetAfterProduce, workingSetGrowthAfterDelete = workingSetAfterDelete },
                new System.Text.Json.JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            return;
        }

        var header = string.Create(CultureInfo.InvariantCulture, $"medians over {large.Count} run(s): step, seconds at {partitions} partitions");
        await console.Out.WriteLineAsync(small.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"{header}, at {baseline}, ratio") : header);
        foreach (var (name, figures) in summary)
        {
            if (double.IsNaN(figures.seconds))
            {
                // A step no run took (delete without --delete, or a run that ended early) has no figure to show.
                continue;
            }

            var line = string.Create(CultureInfo.InvariantCulture, $"  {name,-16} {figures.seconds,8:F2} s");
            if (small.Count > 0)
            {
                line += string.Create(CultureInfo.InvariantCulture, $" {figures.baselineSeconds,8:F2} s {figures.seconds / figures.baselineSeconds,8:F1}x");
            }

            await console.Out.WriteLineAsync(line);
        }

        if (double.IsNaN(workingSetAfterDescribe) && double.IsNaN(workingSetAfterProduce))
        {
            // The silo's metrics endpoint could not be read: there is no working set to report.
            await console.Out.WriteLineAsync("  silo working set growth: unknown (the silo's metrics endpoint could not be read; see --metrics)");
            return;
        }

        var growth = string.Create(
            CultureInfo.InvariantCulture,
            $"  silo working set growth: {workingSetAfterDescribe / 1e6:F0} MB after create+describe+offsets, {workingSetAfterProduce / 1e6:F0} MB after produce");
        await console.Out.WriteLineAsync(double.IsNaN(workingSetAfterDelete) ? growth : string.Create(CultureInfo.InvariantCulture, $"{growth}, {workingSetAfterDelete / 1e6:F0} MB after delete"));
    }
}
