using Orleans.TestingHost;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Partitions;
using OrleansLog.Segments;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Durability;

/// <summary>
/// Three in-process silos with membership tuned for fast failover. Killed silos are secondaries: the first silo hosts the
/// in-process development membership, so killing it would end the cluster rather than test failover.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Acks_all_with_idempotence_loses_and_duplicates_nothing_while_silos_are_killed_and_added()
    {
        // Checkpoints every 16 KiB: the killed silos' partitions recover from recovery checkpoints (with the producer state they
        // carry) and replay only what follows them.
        await using var log = await LogCluster.StartAsync(silos: 3, fastFailover: true, configurePartitions: o => o.CheckpointIntervalBytes = 16 * 1024);
        var topic = LogCluster.NewTopic("fault-all");
        var description = await log.CreateTopicAsync(topic, 8);
        var run = new FaultRun(log, topic, partitions: 8, producers: 3, new ProducerOptions { Acks = Acks.All, Linger = TimeSpan.FromMilliseconds(2) });

        run.Start();
        await Task.Delay(Phase);
        await KillAsync(log, run, log.Cluster.Silos[1]);
        await Task.Delay(Phase);
        await KillAsync(log, run, log.Cluster.Silos[1]);
        await Task.Delay(Phase);
        await log.Cluster.StartAdditionalSiloAsync();
        await log.Cluster.StartAdditionalSiloAsync();
        output.WriteLine($"{run.Elapsed.TotalSeconds:0.0}s: two silos added, {log.Cluster.Silos.Count} running");
        await Task.Delay(Phase);
        await run.StopAsync();

        var report = await run.VerifyAsync();
        output.WriteLine($"acks=All idempotent: {report}");
        Assert.True(report.Acked > 0, "the producers acknowledged nothing");
        Assert.Equal(0, report.Lost);
        Assert.Equal(0, report.Duplicates);
        Assert.Equal(0, report.OffsetMismatches);
        Assert.Equal(0, report.OutOfOrder);
        Assert.Equal(0, report.OffsetGaps);
        Assert.Equal(0, report.Failed);
        var blobs = await log.Store.ListAsync(SegmentPaths.TopicPrefix(description.TopicId), CancellationToken.None);
        Assert.Contains(blobs, b => b.EndsWith(".checkpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acks_leader_loses_at_most_the_unflushed_tail_on_a_kill_and_nothing_on_a_graceful_stop()
    {
        await using var log = await LogCluster.StartAsync(silos: 3, fastFailover: true);
        var options = new ProducerOptions { Acks = Acks.Leader, Linger = TimeSpan.FromMilliseconds(2) };

        var killed = LogCluster.NewTopic("fault-leader-kill");
        await log.CreateTopicAsync(killed, 8);
        var killRun = new FaultRun(log, killed, partitions: 8, producers: 3, options);
        killRun.Start();
        await Task.Delay(Phase);
        await KillAsync(log, killRun, log.Cluster.Silos[1]);
        await Task.Delay(Phase);
        await killRun.StopAsync();
        var afterKill = await killRun.VerifyAsync();
        output.WriteLine($"acks=Leader, one silo killed (flush.ms=50): {afterKill}");

        var stopped = LogCluster.NewTopic("fault-leader-stop");
        await log.CreateTopicAsync(stopped, 8);
        var stopRun = new FaultRun(log, stopped, partitions: 8, producers: 3, options);
        stopRun.Start();
        await Task.Delay(Phase);
        await log.Cluster.StartAdditionalSiloAsync();
        var leaving = log.Cluster.Silos[1];
        output.WriteLine($"{stopRun.Elapsed.TotalSeconds:0.0}s: stopping {leaving.SiloAddress} gracefully");
        await log.Cluster.StopSiloAsync(leaving);
        await Task.Delay(Phase);
        await stopRun.StopAsync();
        var afterStop = await stopRun.VerifyAsync();
        output.WriteLine($"acks=Leader, one silo stopped gracefully: {afterStop}");
        foreach (var line in log.Logs.Lines)
        {
            output.WriteLine(line);
        }

        Assert.True(afterKill.Acked > 0 && afterStop.Acked > 0);
        Assert.Equal(0, afterKill.OutOfOrder);
        Assert.Equal(0, afterKill.OffsetGaps);
        Assert.Equal(0, afterStop.Lost);
        Assert.Equal(0, afterStop.OffsetGaps);
    }

    [Fact]
    public async Task A_consumer_resumes_at_the_right_offset_when_the_silo_hosting_its_partition_is_killed_mid_fetch()
    {
        await using var log = await LogCluster.StartAsync(silos: 3, fastFailover: true);
        var topic = LogCluster.NewTopic("fault-consumer");
        await log.CreateTopicAsync(topic, 1);
        await using var producer = log.Client.CreateProducer<string, string>();
        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"m{i}" })));

        // Move the partition off the first silo (which cannot be killed), then read everything so the consumer is long-polling at the end.
        var partition = await log.PartitionAsync(topic, 0);
        var primary = log.Cluster.Silos[0].SiloAddress.ToString();
        if ((await partition.DescribeAsync()).Host == primary)
        {
            await log.Cluster.MigrateAsync(partition, log.Cluster.Silos[1].SiloAddress);
        }

        var host = (await partition.DescribeAsync()).Host;
        Assert.NotEqual(primary, host);
        await using var consumer = log.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(100, TimeSpan.FromSeconds(30));
        Assert.Equal(100, consumed.Count);

        var reading = consumer.ConsumeAsync(100, TimeSpan.FromSeconds(90));
        await Task.Delay(500); // the consumer's fetch is now parked at the end of the log on the host silo
        await log.Cluster.KillSiloAsync(log.Cluster.Silos.Single(s => s.SiloAddress.ToString() == host));
        var started = DateTime.UtcNow;
        await Task.WhenAll(Enumerable.Range(100, 100).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"m{i}" })));
        var produced = DateTime.UtcNow - started;
        consumed.AddRange(await reading);
        output.WriteLine($"consumer resumed: {consumed.Count} records, new host {(await partition.DescribeAsync()).Host}; producer acked the next 100 after {produced.TotalSeconds:0.0}s, consumer had them after {(DateTime.UtcNow - started).TotalSeconds:0.0}s");

        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), consumed.Select(c => c.Offset));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"m{i}"), consumed.Select(c => c.Message.Value));
    }

    private async Task KillAsync(LogCluster log, FaultRun run, InProcessSiloHandle silo)
    {
        output.WriteLine($"{run.Elapsed.TotalSeconds:0.0}s: killing {silo.SiloAddress} ({run.AckedCount} acked so far)");
        await log.Cluster.KillSiloAsync(silo);
    }
}
