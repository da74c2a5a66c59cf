using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OrleansLog.Cli.Perf;
using OrleansLog.Client;
using OrleansLog.Errors;
using OrleansLog.Partitions;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog perf produce|consume|partitions</c>: end-to-end throughput and latency, as Kafka's producer and consumer perf tests, and the cost of many partitions.</summary>
internal static class PerfCommand
{
    public static Command Create(CommandContext context)
    {
        var perf = new Command("perf", "Measure end-to-end throughput and latency against a running cluster (kafka-producer-perf-test.sh, kafka-consumer-perf-test.sh).");
        perf.Subcommands.Add(Produce(context));
        perf.Subcommands.Add(Consume(context));
        perf.Subcommands.Add(Partitions(context));
        return perf;
    }

    private static Command Partitions(CommandContext context)
    {
        var topic = new Option<string>("--topic") { Description = "Prefix of the topics each run creates (a new one per run and size).", DefaultValueFactory = _ => "perf-partitions" };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the topic each run creates.", DefaultValueFactory = _ => 10_000 };
        var baseline = new Option<int>("--baseline-partitions") { Description = "Run the same steps on a topic this small first, for ratios; 0 skips it.", DefaultValueFactory = _ => 10 };
        var records = new Option<long?>("--records") { Description = "Records to produce, spread evenly over the partitions (default: 2 per partition)." };
        var recordSize = new Option<int>("--record-size") { Description = "Bytes of each record's value.", DefaultValueFactory = _ => 100 };
        var metrics = new Option<string>("--metrics") { Description = "The silo's Prometheus endpoint, for its memory and activations.", DefaultValueFactory = _ => "http://127.0.0.1:8080/metrics" };
        var delete = new Option<bool>("--delete") { Description = "Delete each topic at the end of its run, timed as a step (slow on Azurite once every partition is active)." };
        var runs = RunsOption();
        var json = JsonOption();
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
            var count = (int)Positive(parse.GetValue(partitions), "--partitions");
            var small = (int)NonNegative(parse.GetValue(baseline), "--baseline-partitions");
            var size = (int)NonNegative(parse.GetValue(recordSize), "--record-size");
            // Reaching every partition of a large topic activates each one; on a small machine that can outlast the default 2 minutes.
            var options = producerOptions.Read(parse) with { DeliveryTimeout = TimeSpan.FromMinutes(10) };
            if (!Uri.TryCreate(parse.GetValue(metrics), UriKind.Absolute, out var metricsUri))
            {
                throw new CliException($"--metrics '{parse.GetValue(metrics)}' is not an absolute URL such as http://127.0.0.1:8080/metrics.", ExitCodes.Usage);
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var results = new List<PartitionsRun>();
            for (var run = 0; run < Positive(parse.GetValue(runs), "--runs"); run++)
            {
                foreach (var topicPartitions in small > 0 ? new[] { small, count } : [count])
                {
                    // The baseline gets the same records per partition as the large topic.
                    var total = parse.GetValue(records) is { } chosen ? Positive(chosen, "--records") * topicPartitions / count : 2L * topicPartitions;
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

        var growth = string.Create(
            CultureInfo.InvariantCulture,
            $"  silo working set growth: {workingSetAfterDescribe / 1e6:F0} MB after create+describe+offsets, {workingSetAfterProduce / 1e6:F0} MB after produce");
        await console.Out.WriteLineAsync(double.IsNaN(workingSetAfterDelete) ? growth : string.Create(CultureInfo.InvariantCulture, $"{growth}, {workingSetAfterDelete / 1e6:F0} MB after delete"));
    }

    private static Command Produce(CommandContext context)
    {
        var topic = TopicOption();
        var records = new Option<long>("--records") { Description = "Records to send per run.", Required = true };
        var recordSize = new Option<int>("--record-size") { Description = "Bytes of each record's value (random, no key).", DefaultValueFactory = _ => 100 };
        var throughput = new Option<double>("--throughput") { Description = "Cap on records/sec over all producers; -1 for no cap.", DefaultValueFactory = _ => -1 };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the topic when this command creates it.", DefaultValueFactory = _ => 6 };
        var producers = new Option<int>("--producers") { Description = "Producer instances sending in parallel (records split between them).", DefaultValueFactory = _ => 1 };
        var runs = RunsOption();
        var json = JsonOption();
        var producerOptions = new ProducerSettingsOptions();
        var command = new Command(
            "produce",
            """
            Send --records records of --record-size bytes as fast as allowed and report records/sec, MB/sec and the latency from send to
            acknowledgement (mean, p50, p95, p99, max). Creates the topic when missing. With --runs N the figures are medians over N runs.

            Examples:
              orleanslog perf produce --topic perf --records 1000000 --record-size 100
              orleanslog perf produce --topic perf --records 200000 --acks leader --linger-ms 10 --producers 4 --runs 3 --json
            """)
        {
            topic, records, recordSize, throughput, partitions, producers, runs, json,
        };
        producerOptions.AddTo(command);
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            var count = Positive(parse.GetValue(records), "--records");
            var size = (int)NonNegative(parse.GetValue(recordSize), "--record-size");
            var parallel = (int)Positive(parse.GetValue(producers), "--producers");
            var options = producerOptions.Read(parse);
            try
            {
                await connection.Log.Admin.CreateTopicAsync(name, (int)Positive(parse.GetValue(partitions), "--partitions"), cancellationToken: cancellationToken);
            }
            catch (TopicAlreadyExistsException)
            {
            }

            var results = new List<PerfRun>();
            for (var run = 0; run < Positive(parse.GetValue(runs), "--runs"); run++)
            {
                var result = await ProduceRunAsync(connection, context.Console, name, count, size, parse.GetValue(throughput), parallel, options, cancellationToken);
                results.Add(result);
                if (!parse.GetValue(json))
                {
                    await context.Console.Out.WriteLineAsync(result.Describe("sent"));
                }
            }

            var settings = new Dictionary<string, string>
            {
                ["topic"] = name,
                ["records"] = Invariant(count),
                ["recordSize"] = Invariant(size),
                ["throughput"] = Invariant(parse.GetValue(throughput)),
                ["producers"] = Invariant(parallel),
                ["acks"] = options.Acks.ToString(),
                ["lingerMs"] = Invariant(options.Linger.TotalMilliseconds),
                ["batchSize"] = Invariant(options.BatchSize),
                ["compression"] = options.Compression.ToString(),
            };
            return await ReportAsync(context.Console, new PerfReport("perf produce", settings, results), parse.GetValue(json), "sent");
        });
        return command;
    }

    private static Command Consume(CommandContext context)
    {
        var topic = TopicOption();
        var records = new Option<long>("--records") { Description = "Records to read per run (stops earlier when --timeout passes with none).", Required = true };
        var timeout = new Option<int>("--timeout") { Description = "Milliseconds without a record after which a run ends.", DefaultValueFactory = _ => 10_000 };
        var runs = RunsOption();
        var json = JsonOption();
        var command = new Command(
            "consume",
            """
            Read --records records from the start of every partition and report records/sec, MB/sec (keys and values) and the end-to-end
            latency from each record's timestamp to its arrival (meaningful when a producer writes at the same time). With --runs N each run
            reads from the start again and the figures are medians.

            Examples:
              orleanslog perf consume --topic perf --records 1000000
              orleanslog perf consume --topic perf --records 1000000 --runs 3 --json
            """)
        {
            topic, records, timeout, runs, json,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            var count = Positive(parse.GetValue(records), "--records");
            var idle = TimeSpan.FromMilliseconds(Positive(parse.GetValue(timeout), "--timeout"));
            var description = await connection.Log.Admin.DescribeTopicAsync(name, cancellationToken);
            var results = new List<PerfRun>();
            for (var run = 0; run < Positive(parse.GetValue(runs), "--runs"); run++)
            {
                var result = await ConsumeRunAsync(connection, context.Console, name, description.PartitionCount, count, idle, cancellationToken);
                results.Add(result);
                if (!parse.GetValue(json))
                {
                    await context.Console.Out.WriteLineAsync(result.Describe("read"));
                }
            }

            var settings = new Dictionary<string, string> { ["topic"] = name, ["records"] = Invariant(count), ["timeoutMs"] = Invariant(idle.TotalMilliseconds) };
            return await ReportAsync(context.Console, new PerfReport("perf consume", settings, results), parse.GetValue(json), "read");
        });
        return command;
    }

    private static async Task<PerfRun> ProduceRunAsync(
        ClusterConnection connection, CliConsole console, string topic, long records, int recordSize, double throughput, int producers, ProducerOptions options, CancellationToken cancellationToken)
    {
        var payload = new byte[recordSize];
        Random.Shared.NextBytes(payload);

        // One immutable message for every send: the producer copies it into its batch, so the run allocates no record objects.
        var message = new Message<byte[]?, byte[]> { Value = payload };
        var latency = new LatencyHistogram();
        long acknowledged = 0, failed = 0;
        Exception? firstError = null;
        var clock = Stopwatch.StartNew();
        await using (var progress = new ProgressLine(console, "sent"))
        {
            progress.Start(() => Interlocked.Read(ref acknowledged), () => Interlocked.Read(ref acknowledged) * recordSize, latency);
            var senders = Enumerable.Range(0, producers).Select(async index =>
            {
                var share = (records / producers) + (index < records % producers ? 1 : 0);
                var rate = throughput > 0 ? throughput / producers : 0;
                await using var producer = connection.Log.CreateProducer<byte[]?, byte[]>(options);
                for (long n = 0; n < share; n++)
                {
                    if (rate > 0 && n / rate > clock.Elapsed.TotalSeconds)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((n / rate) - clock.Elapsed.TotalSeconds), cancellationToken);
                    }

                    var start = Stopwatch.GetTimestamp();
                    await producer.SendAsync(
                        topic,
                        message,
                        (_, error) =>
                        {
                            if (error is null)
                            {
                                latency.Record((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
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
            }).ToList();
            await Task.WhenAll(senders);
        }

        var elapsed = clock.Elapsed;
        if (firstError is not null)
        {
            await console.Error.WriteLineAsync($"orleanslog: {failed} record(s) failed; the first: {firstError.Message}");
        }

        return PerfRun.From(acknowledged, acknowledged * recordSize, elapsed, failed, latency);
    }

    private static async Task<PerfRun> ConsumeRunAsync(
        ClusterConnection connection, CliConsole console, string topic, int partitions, long records, TimeSpan idle, CancellationToken cancellationToken)
    {
        var latency = new LatencyHistogram();
        long read = 0, bytes = 0;
        var clock = Stopwatch.StartNew();
        var lastRecordAt = TimeSpan.Zero;
        await using (var progress = new ProgressLine(console, "read"))
        await using (var consumer = connection.Log.CreateConsumer<byte[]?, byte[]?>())
        {
            progress.Start(() => Interlocked.Read(ref read), () => Interlocked.Read(ref bytes), latency);
            consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            while (read < records && await consumer.ConsumeAsync(idle, cancellationToken) is { } record)
            {
                if (record.Message.Timestamp is { } timestamp)
                {
                    latency.Record((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - timestamp) * 1000);
                }

                Interlocked.Add(ref bytes, (record.Message.Key?.Length ?? 0) + (record.Message.Value?.Length ?? 0));
                Interlocked.Increment(ref read);
                lastRecordAt = clock.Elapsed;
            }
        }

        if (read < records)
        {
            await console.Error.WriteLineAsync($"orleanslog: only {read} of {records} records arrived before {idle.TotalMilliseconds:F0} ms passed without one.");
        }

        return PerfRun.From(read, bytes, lastRecordAt, 0, latency);
    }

    private static async Task<int> ReportAsync(CliConsole console, PerfReport report, bool json, string verb)
    {
        if (json)
        {
            await console.Out.WriteLineAsync(report.ToJson());
        }
        else if (report.Runs.Count > 1)
        {
            var median = report.Median;
            await console.Out.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"median of {report.Runs.Count} runs: {report.MedianRecordsPerSecond:F1} records/sec ({report.MedianMegabytesPerSecond:F2} MB/sec), " +
                $"{median.P50LatencyMs:F2} ms p50, {median.P95LatencyMs:F2} ms p95, {median.P99LatencyMs:F2} ms p99, {median.MaxLatencyMs:F2} ms max latency ({verb})"));
        }

        var failed = report.Runs.Sum(r => r.Failed);
        var empty = report.Runs.Any(r => r.Records == 0);
        return failed > 0 || empty ? ExitCodes.Failed : ExitCodes.Success;
    }

    private static Option<string> TopicOption() => new("--topic") { Description = "The topic.", Required = true };

    private static Option<int> RunsOption() => new("--runs") { Description = "Repeat the measurement; the summary gives medians.", DefaultValueFactory = _ => 1 };

    private static Option<bool> JsonOption() => new("--json") { Description = "Print the results as JSON (runs and medians) instead of text." };

    private static long Positive(long value, string option) =>
        value > 0 ? value : throw new CliException($"{option} must be positive; got {value}.", ExitCodes.Usage);

    private static long NonNegative(long value, string option) =>
        value >= 0 ? value : throw new CliException($"{option} must not be negative; got {value}.", ExitCodes.Usage);

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
