using Microsoft.Extensions.DependencyInjection;
using OrleansLog.Client;
using OrleansLog.Development;
using OrleansLog.Partitions;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Processes;

/// <summary>The README's local setup (one silo, no storage settings, so the silo's own long-lived Azurite) killed with SIGKILL under load.</summary>
public sealed class LocalSiloCrashTests(ITestOutputHelper output)
{
    private const string Topic = "orders";
    private const int Partitions = 4;

    [Fact]
    public async Task Killing_the_local_silo_under_acks_all_load_loses_no_acknowledged_record_and_reuses_no_offset()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orleanslog-local-crash-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string>
        {
            ["OrleansLog__Silo__AzuriteDataDirectory"] = dataDirectory,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__OrleansLog.Silo"] = "Information",
            ["Logging__LogLevel__OrleansLog.Development"] = "Information",
        };
        try
        {
            var acknowledged = new Dictionary<string, (int Partition, long Offset)>(StringComparer.Ordinal);
            int azuriteProcess;
            await using (var first = SiloProcess.Start(settings))
            {
                await first.WaitHealthyAsync(TimeSpan.FromSeconds(120));
                azuriteProcess = (await LocalAzurite.FindRunningAsync(dataDirectory))!.ProcessId;
                using var client = await SiloProcess.ConnectAsync(first.GatewayPort);
                var log = client.Services.GetRequiredService<OrleansLogClient>();
                await log.Admin.CreateTopicAsync(Topic, Partitions);

                var failed = 0;
                await using (var producer = log.CreateProducer<string, string>(new ProducerOptions
                {
                    Acks = Acks.All,
                    Linger = TimeSpan.FromMilliseconds(2),
                    DeliveryTimeout = TimeSpan.FromSeconds(5),
                }))
                {
                    for (var round = 0; round < 60 && first.IsRunning; round++)
                    {
                        if (acknowledged.Count >= 2000)
                        {
                            // Mid-load: this round's records are on their way when the silo dies.
                            output.WriteLine($"killing the silo after {acknowledged.Count} acknowledged records");
                            first.Kill();
                        }

                        var sends = Enumerable.Range(round * 100, 100)
                            .Select(i => (Value: $"record-{i}", Send: producer.ProduceAsync(Topic, new Message<string, string> { Key = $"key-{i % 31}", Value = $"record-{i}" })))
                            .ToList();
                        foreach (var (value, send) in sends)
                        {
                            try
                            {
                                var delivered = await send;
                                acknowledged[value] = (delivered.Partition, delivered.Offset);
                            }
                            catch (Exception e) when (e is OrleansLog.Errors.OrleansLogException or TimeoutException or Orleans.Runtime.OrleansException or ObjectDisposedException)
                            {
                                failed++;
                            }
                        }
                    }
                }

                output.WriteLine($"acknowledged {acknowledged.Count}, failed {failed}");
                Assert.False(first.IsRunning, "the load ended before the silo was killed");
            }

            // The same command again: it must find the same Azurite, which the silo's death did not take down.
            await using var second = SiloProcess.Start(settings);
            await second.WaitHealthyAsync(TimeSpan.FromSeconds(120));
            Assert.Contains($"Reusing Azurite (process {azuriteProcess})", second.Output, StringComparison.Ordinal);
            using var reader = await SiloProcess.ConnectAsync(second.GatewayPort);
            var readLog = reader.Services.GetRequiredService<OrleansLogClient>();
            var grains = reader.Services.GetRequiredService<IClusterClient>();
            var topicId = (await readLog.Admin.DescribeTopicAsync(Topic)).TopicId;

            var stored = new Dictionary<(int Partition, long Offset), string>();
            for (var partition = 0; partition < Partitions; partition++)
            {
                var grain = grains.GetGrain<IPartitionGrain>(new PartitionGrainKey(Topic, topicId, partition).ToString());
                await foreach (var (offset, value) in FaultRun.ReadPartitionAsync(grain))
                {
                    stored[(partition, offset)] = value;
                }
            }

            var lost = acknowledged.Count(a => !stored.TryGetValue(a.Value, out var value) || value != a.Key);
            output.WriteLine($"read {stored.Count}, lost {lost}");
            Assert.True(acknowledged.Count >= 2000, $"only {acknowledged.Count} records were acknowledged before the kill");
            Assert.Equal(0, lost);

            // Nothing acknowledged is handed out again: new records land after every acknowledged offset.
            await using var after = readLog.CreateProducer<string, string>();
            for (var partition = 0; partition < Partitions; partition++)
            {
                var result = await after.ProduceAsync(new TopicPartition(Topic, partition), new Message<string, string> { Value = "after the kill" });
                var highestAcknowledged = acknowledged.Values.Where(a => a.Partition == partition).Select(a => a.Offset).DefaultIfEmpty(-1).Max();
                Assert.True(result.Offset > highestAcknowledged, $"partition {partition} assigned offset {result.Offset} again; {highestAcknowledged} was acknowledged");
            }

            Assert.DoesNotContain("went backwards", second.Output, StringComparison.Ordinal);
        }
        finally
        {
            // The documented stop command: Azurite saves its data and exits.
            var stop = await SiloProcess.RunCommandAsync(settings, "azurite", "stop");
            output.WriteLine(stop.Output + stop.Error);
            Directory.Delete(dataDirectory, recursive: true);
            Assert.Equal(0, stop.ExitCode);
            Assert.Contains("it saved its data", stop.Output, StringComparison.Ordinal);
        }
    }
}
