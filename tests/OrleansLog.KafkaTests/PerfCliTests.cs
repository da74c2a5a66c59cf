using System.Text.Json;

namespace OrleansLog.KafkaTests;

/// <summary><c>orleanslog perf produce|consume --client kafka|both</c> against the silo process and its Kafka listener.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class PerfCliTests(KafkaBrokerFixture broker)
{
    [Fact]
    public async Task Perf_produce_with_both_clients_reports_each_client_and_perf_consume_with_the_kafka_client_reads_them_back()
    {
        var topic = KafkaClients.NewTopic("perf-cli");
        var produced = await CliRunner.RunAsync(broker, "perf", "produce", "--topic", topic, "--client", "both", "--bootstrap-servers", broker.BootstrapServers, "--records", "2000", "--record-size", "50", "--partitions", "3", "--json");
        Assert.True(produced.ExitCode == 0, produced.Error);
        using (var report = JsonDocument.Parse(produced.Output))
        {
            foreach (var client in new[] { "native", "kafka" })
            {
                var runs = report.RootElement.GetProperty(client).GetProperty("runs").EnumerateArray().ToList();
                var run = Assert.Single(runs);
                Assert.Equal((2000, 100_000, 0), (run.GetProperty("records").GetInt64(), run.GetProperty("bytes").GetInt64(), run.GetProperty("failed").GetInt64()));
                Assert.True(report.RootElement.GetProperty(client).GetProperty("median").GetProperty("recordsPerSecond").GetDouble() > 0);
            }

            var ratio = report.RootElement.GetProperty("ratio");
            Assert.True(ratio.GetProperty("recordsPerSecond").GetDouble() > 0);
            Assert.Equal(ratio.GetProperty("medianOfRounds").GetDouble(), Assert.Single(ratio.GetProperty("rounds").EnumerateArray().ToList()).GetDouble());
            Assert.Equal("true", report.RootElement.GetProperty("settings").GetProperty("kafkaEnableIdempotence").GetString());
        }

        // Both clients wrote to the same topic: 4,000 records in all, as the native client's offsets count them.
        var ends = await broker.Log.Admin.ListOffsetsAsync(topic, OrleansLog.Partitions.OffsetSpec.Latest);
        Assert.Equal(4000, ends.Sum(e => e.Offset));

        var consumed = await CliRunner.RunAsync(broker, "perf", "consume", "--topic", topic, "--client", "kafka", "--bootstrap-servers", broker.BootstrapServers, "--records", "4000", "--timeout", "10000", "--json");
        Assert.True(consumed.ExitCode == 0, consumed.Error);
        using (var report = JsonDocument.Parse(consumed.Output))
        {
            // Key and value bytes, as the native run counts them: both clients wrote 50-byte values and no keys.
            var run = Assert.Single(report.RootElement.GetProperty("runs").EnumerateArray().ToList());
            Assert.Equal((4000, 200_000), (run.GetProperty("records").GetInt64(), run.GetProperty("bytes").GetInt64()));
        }

        // Two rounds: the clients take turns, the second round in the opposite order, and each round gives a ratio.
        var both = await CliRunner.RunAsync(broker, "perf", "consume", "--topic", topic, "--client", "both", "--bootstrap-servers", broker.BootstrapServers, "--records", "4000", "--timeout", "10000", "--runs", "2");
        Assert.True(both.ExitCode == 0, both.Error);
        var lines = both.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(
            ["native: 4000 records read", "kafka: 4000 records read", "kafka: 4000 records read", "native: 4000 records read"],
            lines.Take(4).Select(line => line[..line.IndexOf(',', StringComparison.Ordinal)]));
        Assert.Matches(@"^kafka/native: [0-9.]+ \(median records/sec\), [0-9.]+ \(median MB/sec\), [0-9.]+ \(median of the rounds' records/sec ratios: [0-9.]+, [0-9.]+\)$", lines[^1]);
    }
}
