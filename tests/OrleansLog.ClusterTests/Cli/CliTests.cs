using System.Text.Json;
using OrleansLog.ClusterTests.Infrastructure;

namespace OrleansLog.ClusterTests.Cli;

/// <summary>The <c>orleanslog</c> commands against a two-silo cluster: their output, exit codes and error lines.</summary>
[Collection(LogClusterCollection.Name)]
public sealed class CliTests(LogClusterFixture fixture)
{
    private readonly CliRunner _cli = new(fixture.Log);

    [Fact]
    public async Task Topics_are_created_listed_described_altered_and_deleted()
    {
        var topic = LogCluster.NewTopic("cli-topics");
        var created = await _cli.RunAsync("topics", "create", topic, "--partitions", "3", "--config", "retention.ms=86400000");
        Assert.Equal((0, $"Created topic {topic} with 3 partition(s)."), (created.ExitCode, created.Output.Trim()));

        var again = await _cli.RunAsync("topics", "create", topic, "--partitions", "3");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _cli.RunAsync("topics", "create", topic, "--if-not-exists")).ExitCode);

        Assert.Contains(topic, (await _cli.RunAsync("topics", "list")).Lines);

        var described = await _cli.RunAsync("topics", "describe", topic);
        Assert.Equal(0, described.ExitCode);
        Assert.Contains("PartitionCount: 3", described.Output, StringComparison.Ordinal);
        Assert.Contains("Configs: retention.ms=86400000", described.Output, StringComparison.Ordinal);
        var rows = described.Lines.Skip(2).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["0", "1", "2"], rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal(("0", "0"), (r[1], r[2])));

        var altered = await _cli.RunAsync("topics", "alter", topic, "--config", "retention.ms=3600000", "--delete-config", "segment.bytes", "--partitions", "4");
        Assert.Equal(0, altered.ExitCode);
        var after = await _cli.RunAsync("topics", "describe", topic, "--all-configs");
        Assert.Contains("PartitionCount: 4", after.Output, StringComparison.Ordinal);
        Assert.Contains("retention.ms=3600000", after.Output, StringComparison.Ordinal);
        Assert.Contains("segment.bytes=134217728", after.Output, StringComparison.Ordinal);

        Assert.Equal(0, (await _cli.RunAsync("topics", "delete", topic)).ExitCode);
        Assert.DoesNotContain(topic, (await _cli.RunAsync("topics", "list")).Lines);
        var gone = await _cli.RunAsync("topics", "delete", topic);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("does not exist", gone.Error, StringComparison.Ordinal);
        Assert.Equal(0, (await _cli.RunAsync("topics", "delete", topic, "--if-exists")).ExitCode);
    }

    [Fact]
    public async Task Lines_produced_from_stdin_are_consumed_with_keys_offsets_and_headers()
    {
        var topic = LogCluster.NewTopic("cli-console");
        await fixture.Log.CreateTopicAsync(topic, 2);
        var input = string.Join('\n', Enumerable.Range(0, 50).Select(i => $"key-{i % 5}|value {i}")) + "\n";
        var produced = await _cli.RunAsync(["produce", topic, "--key-separator", "|", "--header", "source=cli", "--verbose"], input);
        Assert.Equal(0, produced.ExitCode);
        Assert.Equal(50, produced.Lines.Length);
        Assert.All(produced.Lines, l => Assert.Matches($"^{topic}-[01]@[0-9]+$", l));

        var consumed = await _cli.RunAsync("consume", topic, "--from-beginning", "--max-messages", "50", "--print-key", "--print-offset", "--print-headers");
        Assert.Equal(0, consumed.ExitCode);
        Assert.Contains("Processed a total of 50 messages", consumed.Error, StringComparison.Ordinal);
        var fields = consumed.Lines.Select(l => l.Split('\t')).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"value {i}").Order(), fields.Select(f => f[4]).Order());
        Assert.All(fields, f =>
        {
            Assert.Matches("^Partition:[01]$", f[0]);
            Assert.Equal("source:cli", f[2]);
            Assert.Equal($"key-{int.Parse(f[4]["value ".Length..], System.Globalization.CultureInfo.InvariantCulture) % 5}", f[3]);
        });

        // The same key always went to the same partition, and offsets per partition are 0..n-1 in input order.
        Assert.All(fields.GroupBy(f => f[3]), g => Assert.Single(g.Select(f => f[0]).Distinct()));
        foreach (var partition in fields.GroupBy(f => f[0]))
        {
            Assert.Equal(Enumerable.Range(0, partition.Count()).Select(o => $"Offset:{o}"), partition.Select(f => f[1]));
        }

        var json = await _cli.RunAsync("consume", topic, "--from-beginning", "--max-messages", "3", "--partition", "0", "--format", "json");
        Assert.Equal(3, json.Lines.Length);
        foreach (var line in json.Lines)
        {
            using var record = JsonDocument.Parse(line);
            Assert.Equal(topic, record.RootElement.GetProperty("topic").GetString());
            Assert.Equal(0, record.RootElement.GetProperty("partition").GetInt32());
            Assert.StartsWith("key-", record.RootElement.GetProperty("key").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("value ", record.RootElement.GetProperty("value").GetString(), StringComparison.Ordinal);
            Assert.Equal("cli", record.RootElement.GetProperty("headers").GetProperty("source").GetString());
        }
    }

    [Fact]
    public async Task A_partition_is_produced_to_and_read_from_a_given_offset()
    {
        var topic = LogCluster.NewTopic("cli-partition");
        await fixture.Log.CreateTopicAsync(topic, 3);
        var produced = await _cli.RunAsync(["produce", topic, "--partition", "2", "--acks", "all"], string.Join('\n', Enumerable.Range(0, 10)));
        Assert.True(produced.ExitCode == 0 && produced.Output.Length == 0, produced.Error);

        var offsets = await _cli.RunAsync("offsets", topic);
        Assert.Equal([$"{topic}:0:0", $"{topic}:1:0", $"{topic}:2:10"], offsets.Lines);
        Assert.Equal([$"{topic}:2:0"], (await _cli.RunAsync("offsets", topic, "--time", "earliest", "--partition", "2")).Lines);
        Assert.Equal([$"{topic}:2:-1"], (await _cli.RunAsync("offsets", topic, "--time", DateTimeOffset.UtcNow.AddHours(1).ToString("O"), "--partition", "2")).Lines);
        Assert.Equal([$"{topic}:2:0"], (await _cli.RunAsync("offsets", topic, "--time", "1000", "--partition", "2")).Lines);

        var read = await _cli.RunAsync("consume", topic, "--partition", "2", "--offset", "7", "--timeout", "1500");
        Assert.Equal(["7", "8", "9"], read.Lines);

        // The log end offset is a valid start (it waits for new records); beyond it is an error that states the range.
        var atEnd = await _cli.RunAsync("consume", topic, "--partition", "2", "--offset", "10", "--timeout", "500");
        Assert.True(atEnd.ExitCode == 0 && atEnd.Lines.Length == 0, atEnd.Error);
        var beyond = await _cli.RunAsync("consume", topic, "--partition", "2", "--offset", "1000000000000", "--timeout", "500");
        Assert.Equal(1, beyond.ExitCode);
        Assert.Empty(beyond.Output);
        Assert.Equal(
            $"orleanslog: --offset 1000000000000 is beyond the end of {topic} partition 2: its log start offset is 0 and its log end offset (the next to be written) is 10; give an offset from 0 to 10, or --offset earliest or latest.",
            beyond.Error.Trim());
    }

    [Fact]
    public async Task Failures_are_one_line_on_stderr_with_a_non_zero_exit_code()
    {
        var unknown = await _cli.RunAsync(["produce", LogCluster.NewTopic("cli-missing")], "a\n");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Matches("^orleanslog: Topic '.*' does not exist; create it first", unknown.Error);
        Assert.Single(unknown.Error.Trim().Split('\n'));

        var topic = LogCluster.NewTopic("cli-errors");
        await fixture.Log.CreateTopicAsync(topic, 1);
        var noSeparator = await _cli.RunAsync(["produce", topic, "--key-separator", ":"], "k:v\nno separator here\nk:w\n");
        Assert.Equal(1, noSeparator.ExitCode);
        Assert.Contains("Line 2 has no key separator ':'", noSeparator.Error, StringComparison.Ordinal);
        Assert.Contains("1 record(s) were delivered", noSeparator.Error, StringComparison.Ordinal);
        Assert.Equal([$"{topic}:0:1"], (await _cli.RunAsync("offsets", topic)).Lines);

        var badAcks = await _cli.RunAsync(["produce", topic, "--acks", "most"], "a\n");
        Assert.Equal(2, badAcks.ExitCode);
        Assert.Contains("--acks 'most' is not one of", badAcks.Error, StringComparison.Ordinal);

        var badPartition = await _cli.RunAsync("consume", topic, "--partition", "5");
        Assert.Equal(1, badPartition.ExitCode);
        Assert.Contains("--partition 5 does not exist", badPartition.Error, StringComparison.Ordinal);

        var offsetWithoutPartition = await _cli.RunAsync("consume", topic, "--offset", "3");
        Assert.Equal(2, offsetWithoutPartition.ExitCode);

        var unknownCommand = await _cli.RunAsync("topics", "explode");
        Assert.Equal(2, unknownCommand.ExitCode);
        Assert.Contains("explode", unknownCommand.Error, StringComparison.Ordinal);

        var badConfig = await _cli.RunAsync("topics", "create", LogCluster.NewTopic("cli-badconfig"), "--config", "retention.ms=soon");
        Assert.Equal(1, badConfig.ExitCode);
        Assert.Contains("retention.ms", badConfig.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", badConfig.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_cluster_is_reported_in_one_line()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OrleansLog.Cli.OrleansLogCli.RunAsync(
            ["topics", "list", "--gateway", "127.0.0.1:1", "--connect-timeout", "2"],
            new OrleansLog.Cli.CliConsole(output, error, TextReader.Null, interactive: false));
        Assert.Equal(1, code);
        Assert.StartsWith("orleanslog: Cannot connect to OrleansLog at gateway 127.0.0.1:1: no gateway answered within 2 s.", error.ToString(), StringComparison.Ordinal);
        Assert.Single(error.ToString().Trim().Split('\n'));
    }

    [Fact]
    public async Task A_missing_or_bad_settings_file_is_reported_in_one_line_with_exit_code_2()
    {
        var directory = Directory.CreateTempSubdirectory("orleanslog-cli-settings");
        try
        {
            var badJson = Path.Combine(directory.FullName, "bad.json");
            await File.WriteAllTextAsync(badJson, "{ not json");
            var badProvider = Path.Combine(directory.FullName, "provider.json");
            await File.WriteAllTextAsync(badProvider, """{ "OrleansLog": { "Clustering": { "Provider": "Bogus" } } }""");
            string[][] cases =
            [
                [Path.Combine(directory.FullName, "missing.json"), "does not exist"],
                [badJson, "is not valid JSON: "],
                [badProvider, "are not valid: OrleansLog:Clustering:Provider 'Bogus' is unknown; use Localhost or AzureTable."],
            ];
            foreach (var (file, expected) in cases.Select(c => (c[0], c[1])))
            {
                using var output = new StringWriter();
                using var error = new StringWriter();
                var code = await OrleansLog.Cli.OrleansLogCli.RunAsync(
                    ["topics", "list", "--settings", file],
                    new OrleansLog.Cli.CliConsole(output, error, TextReader.Null, interactive: false));
                Assert.Equal(2, code);
                Assert.StartsWith("orleanslog: ", error.ToString(), StringComparison.Ordinal);
                Assert.Contains(file, error.ToString(), StringComparison.Ordinal);
                Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
                Assert.Single(error.ToString().Trim().Split('\n'));
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Cluster_lists_every_active_silo_and_exits_healthy()
    {
        var topic = LogCluster.NewTopic("cli-cluster");
        await fixture.Log.CreateTopicAsync(topic, 4);

        // Describing no longer activates idle partitions, so a record to each is what makes the four active.
        for (var partition = 0; partition < 4; partition++)
        {
            Assert.Equal(0, (await _cli.RunAsync(["produce", topic, "--partition", partition.ToString(System.Globalization.CultureInfo.InvariantCulture)], "x")).ExitCode);
        }

        var result = await _cli.RunAsync("cluster");
        Assert.Equal(0, result.ExitCode);
        var silos = result.Lines.Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(fixture.Log.Cluster.Silos.Select(s => s.SiloAddress.Endpoint.ToString()).Order(), silos.Select(s => s[0]).Order());
        Assert.All(silos, s => Assert.Equal("Active", s[2]));
        Assert.True(silos.Sum(s => int.Parse(s[3], System.Globalization.CultureInfo.InvariantCulture)) >= 4, result.Output);
        Assert.Contains("Healthy: 2 active silo(s)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Perf_partitions_counts_every_acknowledged_record_in_the_listed_offsets()
    {
        // No metrics endpoint in a test cluster: the run still measures its steps and says the working set is unknown.
        var result = await _cli.RunAsync("perf", "partitions", "--topic", LogCluster.NewTopic("cli-perf-partitions"), "--partitions", "12", "--baseline-partitions", "3", "--records", "48", "--delete", "--metrics", "http://127.0.0.1:9/metrics", "--json");

        Assert.Equal(0, result.ExitCode);
        using var report = JsonDocument.Parse(result.Output);
        var runs = report.RootElement.GetProperty("runs").EnumerateArray().ToList();
        Assert.Equal([3, 12], runs.Select(r => r.GetProperty("partitions").GetInt32()));
        Assert.All(runs, r => Assert.Equal(r.GetProperty("acknowledged").GetInt64(), r.GetProperty("latestOffsetSum").GetInt64()));
        Assert.Equal([12L, 48L], runs.Select(r => r.GetProperty("acknowledged").GetInt64()));
        Assert.All(runs, r => Assert.Equal(0, r.GetProperty("failed").GetInt64()));
        Assert.Equal(
            ["create", "describe", "offsets", "produce", "describe-active", "offsets-active", "delete"],
            runs[1].GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

        var text = await _cli.RunAsync("perf", "partitions", "--topic", LogCluster.NewTopic("cli-perf-partitions"), "--partitions", "4", "--baseline-partitions", "0", "--metrics", "http://127.0.0.1:9/metrics");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("silo working set growth: unknown", text.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Perf_produce_and_consume_report_what_they_moved()
    {
        var topic = LogCluster.NewTopic("cli-perf");
        var produced = await _cli.RunAsync("perf", "produce", "--topic", topic, "--records", "3000", "--record-size", "200", "--partitions", "3", "--producers", "2", "--runs", "2", "--json");
        Assert.Equal(0, produced.ExitCode);
        using (var report = JsonDocument.Parse(produced.Output))
        {
            var runs = report.RootElement.GetProperty("runs").EnumerateArray().ToList();
            Assert.Equal(2, runs.Count);
            Assert.All(runs, r => Assert.Equal((3000, 600_000, 0), (r.GetProperty("records").GetInt64(), r.GetProperty("bytes").GetInt64(), r.GetProperty("failed").GetInt64())));
            Assert.True(report.RootElement.GetProperty("median").GetProperty("recordsPerSecond").GetDouble() > 0);
            Assert.True(report.RootElement.GetProperty("median").GetProperty("p99LatencyMs").GetDouble() > 0);
        }

        var ends = await _cli.RunAsync("offsets", topic);
        Assert.Equal(6000, ends.Lines.Sum(l => long.Parse(l.Split(':')[2], System.Globalization.CultureInfo.InvariantCulture)));

        var consumed = await _cli.RunAsync("perf", "consume", "--topic", topic, "--records", "6000", "--timeout", "5000");
        Assert.Equal(0, consumed.ExitCode);
        Assert.StartsWith("6000 records read", consumed.Output, StringComparison.Ordinal);

        var text = await _cli.RunAsync("perf", "produce", "--topic", topic, "--records", "500", "--throughput", "1000");
        Assert.Matches(@"^500 records sent, [0-9.]+ records/sec \([0-9.]+ MB/sec\), [0-9.]+ ms avg latency, [0-9.]+ ms p50, [0-9.]+ ms p95, [0-9.]+ ms p99, [0-9.]+ ms max latency$", text.Output.Trim());
    }

    [Fact]
    public async Task Consume_stops_cleanly_when_cancelled()
    {
        var topic = LogCluster.NewTopic("cli-cancel");
        await fixture.Log.CreateTopicAsync(topic, 1);
        await _cli.RunAsync(["produce", topic], "one\ntwo\n");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var result = await _cli.RunAsync(["consume", topic, "--from-beginning"], "", stop.Token);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["one", "two"], result.Lines);
        Assert.Contains("Processed a total of 2 messages", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_console_group_consumer_commits_what_it_printed_and_groups_show_lag_reset_and_delete()
    {
        var topic = LogCluster.NewTopic("cli-groups");
        var group = LogCluster.NewTopic("cli-group");
        await fixture.Log.CreateTopicAsync(topic, 2);
        Assert.Equal(0, (await _cli.RunAsync(["produce", topic], string.Join('\n', Enumerable.Range(0, 20)))).ExitCode);

        var first = await _cli.RunAsync("consume", topic, "--group", group, "--from-beginning", "--max-messages", "12");
        Assert.Equal(12, first.Lines.Length);
        var second = await _cli.RunAsync("consume", topic, "--group", group, "--timeout", "2000");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(), first.Lines.Concat(second.Lines).Order());

        var listed = await _cli.RunAsync("groups", "list");
        Assert.Contains(listed.Lines, l => l.StartsWith(group + " ", StringComparison.Ordinal) && l.Contains("Empty", StringComparison.Ordinal));

        var described = await _cli.RunAsync("groups", "describe", group);
        Assert.Equal(0, described.ExitCode);
        Assert.Contains($"Group: {group}  State: Empty", described.Output, StringComparison.Ordinal);
        var rows = Rows(described, topic);
        Assert.Equal(20, rows.Sum(r => long.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(rows, r => Assert.Equal(("0", r[3]), (r[4], r[2])));

        var dryRun = await _cli.RunAsync("groups", "reset-offsets", group, "--topic", topic, "--to-earliest");
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains("Dry run: nothing changed", dryRun.Error, StringComparison.Ordinal);
        Assert.All(Rows(dryRun, topic), r => Assert.Equal("0", r[3]));
        Assert.Equal(20, Rows(await _cli.RunAsync("groups", "describe", group), topic).Sum(r => long.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture)));

        // Null keys go to one sticky partition at a time: rewind the one holding the most records.
        var busiest = rows.MaxBy(r => long.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture))![1];
        Assert.Equal(0, (await _cli.RunAsync("groups", "reset-offsets", group, "--topic", topic, "--shift-by", "-3", "--partition", busiest, "--execute")).ExitCode);
        var shifted = Rows(await _cli.RunAsync("groups", "describe", group), topic);
        Assert.Equal("3", shifted.Single(r => r[1] == busiest)[4]);
        var again = await _cli.RunAsync("consume", topic, "--group", group, "--timeout", "2000");
        Assert.Equal(3, again.Lines.Length);

        // While a member is consuming, resets and deletes are refused with a clear error.
        using var stop = new CancellationTokenSource();
        var member = _cli.RunAsync(["consume", topic, "--group", group], "", stop.Token);
        CliResult refused;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            await Task.Delay(300);
            refused = await _cli.RunAsync("groups", "reset-offsets", group, "--topic", topic, "--to-latest", "--execute");
        }
        while (refused.ExitCode == 0 && DateTime.UtcNow < deadline);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("member", refused.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, (await _cli.RunAsync("groups", "delete", group)).ExitCode);
        await stop.CancelAsync();
        Assert.Equal(0, (await member).ExitCode);

        Assert.Equal(0, (await _cli.RunAsync("groups", "delete", group)).ExitCode);
        Assert.DoesNotContain((await _cli.RunAsync("groups", "list")).Lines, l => l.StartsWith(group + " ", StringComparison.Ordinal));

        var neither = await _cli.RunAsync("groups", "reset-offsets", group, "--topic", topic);
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("exactly one of", neither.Error, StringComparison.Ordinal);
    }

    // The table rows of one topic, split on whitespace.
    private static List<string[]> Rows(CliResult result, string topic) =>
        result.Lines.Where(l => l.StartsWith(topic + " ", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    [Theory]
    [InlineData("groups", "describe")]
    [InlineData("groups", "reset-offsets")]
    [InlineData("topics", "create")]
    [InlineData("produce")]
    [InlineData("consume")]
    [InlineData("offsets")]
    [InlineData("cluster")]
    [InlineData("perf", "produce")]
    [InlineData("perf", "consume")]
    public async Task Every_command_has_help_with_examples(params string[] command)
    {
        using var output = new StringWriter();
        var code = await OrleansLog.Cli.OrleansLogCli.RunAsync([.. command, "--help"], new OrleansLog.Cli.CliConsole(output, TextWriter.Null, TextReader.Null, interactive: false));
        Assert.Equal(0, code);
        Assert.Contains("Example", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("--gateway", output.ToString(), StringComparison.Ordinal);
    }
}
