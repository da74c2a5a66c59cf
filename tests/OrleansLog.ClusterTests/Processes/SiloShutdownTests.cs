using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using OrleansLog.Client;
using OrleansLog.Development;
using OrleansLog.Partitions;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Processes;

/// <summary>The README's local silo stopped gracefully (SIGTERM, as Ctrl+C): alive but not ready while it drains, it flushes, says so in its log, and leaves Azurite running.</summary>
public sealed class SiloShutdownTests(ITestOutputHelper output)
{
    private const string Topic = "pending";

    [Fact]
    public async Task A_graceful_stop_drains_alive_but_not_ready_flushes_acks_leader_records_logs_the_totals_and_leaves_the_local_azurite_running()
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

                // Alive and ready while it runs; through the drain (flushing, handing over, leaving) still alive but not ready.
                Assert.Equal(200, await first.GetHealthStatusAsync("/healthz/live"));
                Assert.Equal(200, await first.GetHealthStatusAsync("/healthz/ready"));
                using var stopped = new CancellationTokenSource();
                var probes = ProbeUntilGoneAsync(first, stopped.Token);
                Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(60)));
                await stopped.CancelAsync();
                var answers = await probes;
                output.WriteLine(first.Output);
                output.WriteLine($"health answers (live/ready): {string.Join(' ', answers.Select(a => $"{a.Live}/{a.Ready}"))}");
                Assert.All(answers, a => Assert.True(a.Live is null or 200, $"liveness answered {a.Live}"));
                var firstNotReady = answers.FindIndex(a => a.Ready == 503);
                Assert.True(firstNotReady >= 0, "readiness never answered 503 while the silo stopped");
                Assert.DoesNotContain(answers.Skip(firstNotReady), a => a.Ready == 200);
                Assert.Contains(answers.Skip(firstNotReady), a => a.Live == 200);
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

    // Asks liveness and readiness, one after the other, until the process has gone or the token fires.
    private static async Task<List<(int? Live, int? Ready)>> ProbeUntilGoneAsync(SiloProcess silo, CancellationToken stop)
    {
        var answers = new List<(int? Live, int? Ready)>();
        while (!stop.IsCancellationRequested && silo.IsRunning)
        {
            var ready = await silo.GetHealthStatusAsync("/healthz/ready");
            var live = await silo.GetHealthStatusAsync("/healthz/live");
            answers.Add((live, ready));
        }

        return answers;
    }
}
