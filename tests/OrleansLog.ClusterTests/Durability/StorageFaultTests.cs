using System.Diagnostics;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Development;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Durability;

/// <summary>Blob storage going away under a running cluster: an Azurite of the test's own, stopped and started again on the same ports and data.</summary>
public sealed class StorageFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Idempotent_producers_ride_out_a_storage_outage_and_fail_clearly_when_it_outlasts_the_delivery_timeout()
    {
        var data = Directory.CreateTempSubdirectory("orleanslog-storage-fault-");
        var options = new AzuriteEmulatorOptions { InMemoryPersistence = false, DataDirectory = data.FullName, StartTimeout = TimeSpan.FromSeconds(90) };
        var azurite = await AzuriteEmulator.StartAsync(options);
        options = options with { BlobPort = azurite.BlobPort, QueuePort = azurite.QueuePort, TablePort = azurite.TablePort };
        try
        {
            await using var log = await LogCluster.StartAsync(silos: 1, fastFailover: true, azurite: azurite);
            var topic = LogCluster.NewTopic("storage-fault");
            await log.CreateTopicAsync(topic, 4);
            var run = new FaultRun(log, topic, partitions: 4, producers: 2, new ProducerOptions { Acks = Acks.All, Linger = TimeSpan.FromMilliseconds(2), DeliveryTimeout = TimeSpan.FromSeconds(40) });

            run.Start();
            await Task.Delay(TimeSpan.FromSeconds(2));
            output.WriteLine($"{run.Elapsed.TotalSeconds:0.0}s: stopping Azurite ({run.AckedCount} acked so far)");
            await azurite.DisposeAsync();
            await Task.Delay(TimeSpan.FromSeconds(4));
            azurite = await AzuriteEmulator.StartAsync(options);
            output.WriteLine($"{run.Elapsed.TotalSeconds:0.0}s: Azurite is back ({run.AckedCount} acked so far)");
            await Task.Delay(TimeSpan.FromSeconds(3));
            await run.StopAsync();
            var report = await run.VerifyAsync();
            output.WriteLine($"storage outage of 4 s plus restart: {report}");
            foreach (var line in log.Logs.Lines.Take(20))
            {
                output.WriteLine(line);
            }

            Assert.True(report.Acked > 0);
            Assert.Equal(0, report.Lost);
            Assert.Equal(0, report.Duplicates);
            Assert.Equal(0, report.OffsetMismatches);
            Assert.Equal(0, report.OutOfOrder);
            Assert.Equal(0, report.Failed);

            // Storage down for longer than the producer will wait: the record fails with a typed error naming the timeout.
            await azurite.DisposeAsync();
            var clock = Stopwatch.StartNew();
            await using (var producer = log.Client.CreateProducer<string, string>(new ProducerOptions { DeliveryTimeout = TimeSpan.FromSeconds(3) }))
            {
                var error = await Assert.ThrowsAsync<DeliveryTimeoutException>(() => producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Value = "storage-is-down" }));
                output.WriteLine($"with storage down, ProduceAsync failed after {clock.Elapsed.TotalSeconds:0.0}s: {error.Message}");
                Assert.Equal(Errors.ErrorCode.RequestTimedOut, error.ErrorCode);
                Assert.Contains("DeliveryTimeout", error.Message);
            }

            azurite = await AzuriteEmulator.StartAsync(options);
        }
        finally
        {
            await azurite.DisposeAsync();
            data.Delete(recursive: true);
        }
    }
}
