using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Partitions;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Durability;

/// <summary>The partitions of a killed silo come back on the survivors by themselves, before anyone asks for them.</summary>
public sealed class PartitionKeeperTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Partitions_of_a_killed_silo_recover_on_a_survivor_without_any_request_to_them()
    {
        await using var log = await LogCluster.StartAsync(silos: 3, fastFailover: true);
        var topic = LogCluster.NewTopic("keeper");
        var description = await log.CreateTopicAsync(topic, 8);
        await using (var producer = log.Client.CreateProducer<string, string>())
        {
            for (var p = 0; p < 8; p++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, p), new Message<string, string> { Value = $"before-{p}" });
            }
        }

        // The first silo hosts the development membership and is never killed: the victim is the other silo hosting the most
        // partitions (random placement leaves both empty with odds of 1 in 6,561; then a partition is moved there).
        var hosts = new Dictionary<int, string?>();
        for (var p = 0; p < 8; p++)
        {
            hosts[p] = (await (await log.PartitionAsync(topic, p)).DescribeAsync()).Host;
        }

        var victim = log.Cluster.Silos.Skip(1).MaxBy(s => hosts.Values.Count(h => h == s.SiloAddress.ToString()))!;
        if (!hosts.ContainsValue(victim.SiloAddress.ToString()))
        {
            var partition0 = await log.PartitionAsync(topic, 0);
            await log.Cluster.MigrateAsync(partition0, victim.SiloAddress);
            for (var wait = 0; wait < 100 && hosts[0] != victim.SiloAddress.ToString(); wait++)
            {
                await Task.Delay(100);
                hosts[0] = (await partition0.DescribeAsync()).Host;
            }
        }

        var hosted = hosts.Where(h => h.Value == victim.SiloAddress.ToString()).Select(h => h.Key).ToList();
        Assert.NotEmpty(hosted);
        var epochsBefore = new Dictionary<int, int>();
        foreach (var p in hosted)
        {
            epochsBefore[p] = (await ReadManifestAsync(log, topic, description.TopicId, p)).LeaderEpoch;
        }

        var passed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var survivor in log.Cluster.Silos.Where(s => s != victim))
        {
            survivor.ServiceProvider.GetRequiredService<PartitionKeeper>().PassCompleted += count => passed.TrySetResult(count);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await log.Cluster.KillSiloAsync(victim);
        var described = await passed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"keeper pass after {clock.ElapsedMilliseconds} ms described {described} partitions; the killed silo hosted {string.Join(", ", hosted)}");

        // Each partition the dead silo hosted has a new activation: a higher leader epoch and no clean stop in its manifest.
        Assert.True(described >= 8);
        foreach (var p in hosted)
        {
            var manifest = await ReadManifestAsync(log, topic, description.TopicId, p);
            Assert.True(manifest.LeaderEpoch > epochsBefore[p], $"partition {p} is still at epoch {manifest.LeaderEpoch}");
            Assert.Null(manifest.StoppedHighWatermark);
        }

        // And it serves what it held.
        await using var consumer = log.Client.CreateConsumer<string, string>();
        consumer.Assign(hosted.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var consumed = await consumer.ConsumeAsync(hosted.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(hosted.Select(p => $"before-{p}").Order(), consumed.Select(c => c.Message.Value).Order());
    }

    // The manifest as stored (grain state blob "manifest-{grainType}/{topic/topicId/partition}.json"), read without a grain call.
    private static async Task<(int LeaderEpoch, long? StoppedHighWatermark)> ReadManifestAsync(LogCluster log, string topic, Guid topicId, int partition)
    {
        var blob = log.Store.Container.GetBlobClient($"manifest-{GrainTypes.Partition}/{new PartitionGrainKey(topic, topicId, partition)}.json");
        using var json = JsonDocument.Parse((await blob.DownloadContentAsync()).Value.Content.ToString());
        var fields = json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase);
        var stopped = fields.GetValueOrDefault("StoppedHighWatermark");
        return (fields["LeaderEpoch"].GetInt32(), stopped.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : stopped.GetInt64());
    }
}
