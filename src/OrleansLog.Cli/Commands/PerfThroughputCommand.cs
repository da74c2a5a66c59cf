using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OrleansLog.Cli.Perf;
using OrleansLog.Client;
using OrleansLog.Errors;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog perf produce|consume</c>: end-to-end throughput and latency, as Kafka's producer and consumer perf tests.</summary>
internal static class PerfThroughputCommand
{
    /// <summary><c>perf produce</c>: records/sec, MB/sec and send-to-acknowledgement latency.</summary>
    public static Command Produce(CommandContext context)
    {
        var topic = TopicOption();
        var records = new Option<long>("--records") { Description = "Records to send per run.", Required = true };
        var recordSize = new Option<int>("--record-size") { Description = "Bytes of each record's value (random, no key).", DefaultValueFactory = _ => 100 };
        var throughput = new Option<double>("--throughput") { Description = "Cap on records/sec over all producers; -1 for no cap.", DefaultValueFactory = _ => -1 };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the topic when this command creates it.", DefaultValueFactory = _ => 6 };
        var producers = new Option<int>("--producers") { Description = "Producer instances sending in parallel (records split between them).", DefaultValueFactory = _ => 1 };
        var runs = PerfCommand.RunsOption();
        var json = PerfCommand.JsonOption();
        var client = PerfCommand.ClientOption();
        var bootstrapServers = PerfCommand.BootstrapServersOption();
        var producerOptions = new ProducerSettingsOptions();
        var command = new Command(
            "produce",
            """
            Send --records records of --record-size bytes as fast as allowed and report records/sec, MB/sec and the latency from send to
            acknowledgement (mean, p50, p95, p99, max). Creates the topic when missing. With --runs N the figures are medians over N runs.
            --client kafka sends with Confluent.Kafka through the silo's Kafka listener instead (--bootstrap-servers; the producer options
            map to librdkafka's acks, linger.ms and compression, idempotence on with --acks all as the native producer, and batch.size is
            1 MiB, what the native producer sends per partition per call);
            --client both runs the native client and the Kafka client in turns (native, kafka, kafka, native, ...) and reports each one's
            medians, the ratio kafka/native of the medians and the median of each round's ratio.

            Examples:
              orleanslog perf produce --topic perf --records 1000000 --record-size 100
              orleanslog perf produce --topic perf --records 200000 --acks leader --linger-ms 10 --producers 4 --runs 3 --json
              orleanslog perf produce --topic perf --records 1000000 --client both --bootstrap-servers 127.0.0.1:9092 --runs 3
            """)
        {
            topic, records, recordSize, throughput, partitions, producers, runs, json, client, bootstrapServers,
        };
        producerOptions.AddTo(command);
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            var count = PerfCommand.Positive(parse.GetValue(records), "--records");
            var size = (int)PerfCommand.NonNegative(parse.GetValue(recordSize), "--record-size");
            var parallel = (int)PerfCommand.Positive(parse.GetValue(producers), "--producers");
            var options = producerOptions.Read(parse);
            try
            {
                await connection.Log.Admin.CreateTopicAsync(name, (int)PerfCommand.Positive(parse.GetValue(partitions), "--partitions"), cancellationToken: cancellationToken);
            }
            catch (TopicAlreadyExistsException)
            {
            }

            var clients = PerfCommand.ParseClient(parse.GetValue(client) ?? "native");
            var bootstrap = parse.GetValue(bootstrapServers) ?? "127.0.0.1:9092";
            var kafkaConfig = KafkaPerfRuns.ProducerConfig(bootstrap, options);
            var runCount = PerfCommand.Positive(parse.GetValue(runs), "--runs");
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
                ["client"] = parse.GetValue(client) ?? "native",
            };
            if (clients.Contains(PerfClient.Kafka))
            {
                settings["bootstrapServers"] = bootstrap;
                settings["kafkaEnableIdempotence"] = kafkaConfig.EnableIdempotence is true ? "true" : "false";
            }

            var reports = await RunAsync(
                context.Console,
                clients,
                runCount,
                parse.GetValue(json),
                "sent",
                perfClient => perfClient == PerfClient.Native
                    ? ProduceRunAsync(connection, context.Console, name, count, size, parse.GetValue(throughput), parallel, options, cancellationToken)
                    : KafkaPerfRuns.ProduceAsync(kafkaConfig, context.Console, name, count, size, parse.GetValue(throughput), parallel, cancellationToken));
            return await ReportAsync(context.Console, clients, "perf produce", settings, reports, parse.GetValue(json), "sent");
        });
        return command;
    }

    /// <summary><c>perf consume</c>: records/sec, MB/sec and timestamp-to-arrival latency.</summary>
    public static Command Consume(CommandContext context)
    {
        var topic = TopicOption();
        var records = new Option<long>("--records") { Description = "Records to read per run (stops earlier when --timeout passes with none).", Required = true };
        var timeout = new Option<int>("--timeout") { Description = "Milliseconds without a record after which a run ends.", DefaultValueFactory = _ => 10_000 };
        var runs = PerfCommand.RunsOption();
        var json = PerfCommand.JsonOption();
        var client = PerfCommand.ClientOption();
        var bootstrapServers = PerfCommand.BootstrapServersOption();
        var command = new Command(
            "consume",
            """
            Read --records records from the start of every partition and report records/sec, MB/sec (keys and values) and the end-to-end
            latency from each record's timestamp to its arrival (meaningful when a producer writes at the same time). With --runs N each run
            reads from the start again and the figures are medians. --client kafka reads with a Confluent.Kafka consumer through the
            silo's Kafka listener instead (--bootstrap-servers; every partition assigned from the beginning, a throwaway group id, no
            commits, and fetching again as soon as its queue has room: fetch.queue.backoff.ms 1); --client both runs the native client
            and the Kafka client in turns (native, kafka, kafka, native, ...) and reports each one's medians, the ratio kafka/native of
            the medians and the median of each round's ratio. Compare with 1,000,000 records or more: each Kafka run starts a new client.

            Examples:
              orleanslog perf consume --topic perf --records 1000000
              orleanslog perf consume --topic perf --records 1000000 --runs 3 --json
              orleanslog perf consume --topic perf --records 1000000 --client both --bootstrap-servers 127.0.0.1:9092 --runs 3
            """)
        {
            topic, records, timeout, runs, json, client, bootstrapServers,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var name = parse.GetRequiredValue(topic);
            var count = PerfCommand.Positive(parse.GetValue(records), "--records");
            var idle = TimeSpan.FromMilliseconds(PerfCommand.Positive(parse.GetValue(timeout), "--timeout"));
            var description = await connection.Log.Admin.DescribeTopicAsync(name, cancellationToken);
            var clients = PerfCommand.ParseClient(parse.GetValue(client) ?? "native");
            var bootstrap = parse.GetValue(bootstrapServers) ?? "127.0.0.1:9092";
            var runCount = PerfCommand.Positive(parse.GetValue(runs), "--runs");
            var settings = new Dictionary<string, string>
            {
                ["topic"] = name,
                ["records"] = Invariant(count),
                ["timeoutMs"] = Invariant(idle.TotalMilliseconds),
                ["client"] = parse.GetValue(client) ?? "native",
            };
            if (clients.Contains(PerfClient.Kafka))
            {
                settings["bootstrapServers"] = bootstrap;
            }

            var reports = await RunAsync(
                context.Console,
                clients,
                runCount,
                parse.GetValue(json),
                "read",
                perfClient => perfClient == PerfClient.Native
                    ? ConsumeRunAsync(connection, context.Console, name, description.PartitionCount, count, idle, cancellationToken)
                    : KafkaPerfRuns.ConsumeAsync(bootstrap, context.Console, name, description.PartitionCount, count, idle, cancellationToken));
            return await ReportAsync(context.Console, clients, "perf consume", settings, reports, parse.GetValue(json), "read");
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

    /// <summary>
    /// Runs each client <paramref name="runCount"/> times and returns each client's runs in the order of <paramref name="clients"/>.
    /// Two clients take turns, in the order native, kafka, kafka, native, native, kafka..., so that a machine getting faster or
    /// slower during the invocation (other load, a silo warming up) weighs on both alike instead of on whichever ran last.
    /// </summary>
    private static async Task<IReadOnlyList<IReadOnlyList<PerfRun>>> RunAsync(
        CliConsole console, IReadOnlyList<PerfClient> clients, long runCount, bool json, string verb, Func<PerfClient, Task<PerfRun>> runOnce)
    {
        var runs = clients.Select(_ => new List<PerfRun>()).ToArray();
        for (var round = 0; round < runCount; round++)
        {
            for (var turn = 0; turn < clients.Count; turn++)
            {
                var index = round % 2 == 0 ? turn : clients.Count - 1 - turn;
                var result = await runOnce(clients[index]);
                runs[index].Add(result);
                if (!json)
                {
                    await console.Out.WriteLineAsync(Prefix(clients, clients[index]) + result.Describe(verb));
                }
            }
        }

        return runs;
    }

    private static async Task<int> ReportAsync(
        CliConsole console, IReadOnlyList<PerfClient> clients, string command, IReadOnlyDictionary<string, string> settings, IReadOnlyList<IReadOnlyList<PerfRun>> runs, bool json, string verb)
    {
        var reports = runs.Select(r => new PerfReport(command, settings, r)).ToList();
        if (reports.Count == 2)
        {
            var comparison = new PerfComparison(command, settings, reports[0], reports[1]);
            if (json)
            {
                await console.Out.WriteLineAsync(comparison.ToJson());
            }
            else
            {
                await console.Out.WriteLineAsync(Prefix(clients, PerfClient.Native) + comparison.Native.DescribeMedian(verb));
                await console.Out.WriteLineAsync(Prefix(clients, PerfClient.Kafka) + comparison.Kafka.DescribeMedian(verb));
                await console.Out.WriteLineAsync(comparison.DescribeRatio());
            }
        }
        else if (json)
        {
            await console.Out.WriteLineAsync(reports[0].ToJson());
        }
        else if (reports[0].Runs.Count > 1)
        {
            await console.Out.WriteLineAsync(reports[0].DescribeMedian(verb));
        }

        var failed = reports.Sum(report => report.Runs.Sum(r => r.Failed));
        var empty = reports.Any(report => report.Runs.Any(r => r.Records == 0));
        return failed > 0 || empty ? ExitCodes.Failed : ExitCodes.Success;
    }

    /// <summary>With two clients each line names its client; with one the output stays as Kafka's perf tools print it.</summary>
    private static string Prefix(IReadOnlyList<PerfClient> clients, PerfClient client) =>
        clients.Count == 1 ? "" : client == PerfClient.Native ? "native: " : "kafka: ";

    private static Option<string> TopicOption() => new("--topic") { Description = "The topic.", Required = true };

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
