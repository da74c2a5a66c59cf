using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OrleansLog.Client;
using OrleansLog.Development;
using OrleansLog.Partitions;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Processes;

/// <summary>The README's local silo stopped gracefully (SIGTERM, as Ctrl+C): it flushes, says so in its log, and leaves Azurite running.</summary>
public sealed class SiloShutdownTests(ITestOutputHelper output)
{
    private const string Topic = "pending";

    [Fact]
    public async Task A_graceful_stop_flushes_acks_leader_records_logs_the_totals_and_leaves_the_local_azurite_running()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orleanslog-shutdown-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string> { ["OrleansLog__Silo__AzuriteDataDirectory"] = dataDirectory };
        try
        {
            int azuriteProcess;
            await using (var first = SiloProcess.Start(settings))
            {
                await first.WaitHealthyAsync(TimeSpan.FromSeconds(120));
                azuriteProcess = (await LocalAzurite.FindRunningAsync(dataDirectory))!.ProcessId;
                using (var client = await SiloProcess.ConnectAsync(first.GatewayPort))
                {
                    var log = client.Services.GetRequiredService<OrleansLogClient>();

                    // flush.ms of an hour: acks=Leader records stay in the partition's memory until the shutdown flush.
                    await log.Admin.CreateTopicAsync(Topic, 2, new Dictionary<string, string> { ["flush.ms"] = "3600000" });
                    await using var producer = log.CreateProducer<string, string>(new ProducerOptions { Acks = Acks.Leader });
                    for (var i = 0; i < 300; i++)
                    {
                        await producer.ProduceAsync(new TopicPartition(Topic, 0), new Message<string, string> { Value = $"record-{i}" });
                    }
                }

                Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(60)));
                output.WriteLine(first.Output);
                Assert.Matches(new Regex(@"info: OrleansLog\.Partitions\.ShutdownFlushReport\[\d+\] Shutdown flushed [12] partitions, 300 records, 0 failed"), first.Output);
            }

            // Still running well after a graceful stop: nothing kills Azurite on the way out (it used to be killed after 5 s).
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.Equal(azuriteProcess, (await LocalAzurite.FindRunningAsync(dataDirectory))?.ProcessId);

            await using var second = SiloProcess.Start(settings);
            await second.WaitHealthyAsync(TimeSpan.FromSeconds(120));
            using var reader = await SiloProcess.ConnectAsync(second.GatewayPort);
            var readLog = reader.Services.GetRequiredService<OrleansLogClient>();
            Assert.Equal(300, (await readLog.Admin.ListOffsetAsync(new TopicPartition(Topic, 0), OffsetSpec.Latest)).Offset);
        }
        finally
        {
            var stop = await SiloProcess.RunCommandAsync(settings, "azurite", "stop");
            output.WriteLine(stop.Output + stop.Error);
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
