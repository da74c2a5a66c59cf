using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.ClusterTests.Durability;

/// <summary>Two clusters over one storage container: each activates its own copy of the same partition, as a zombie and its successor would.</summary>
public sealed class FencingTests
{
    [Fact]
    public async Task A_stale_activation_is_fenced_with_NotLeader_and_its_append_is_not_written()
    {
        await using var pair = await TwoActivations.StartAsync("fence");
        var (b, topic, onA, onB) = (pair.B, pair.Topic, pair.OnA, pair.OnB);

        await onA.AppendAsync(Batch("a-0"), Acks.All);
        var epochA = (await onA.DescribeAsync()).LeaderEpoch;
        await onB.AppendAsync(Batch("b-0"), Acks.All); // B activates: newer epoch, breaks A's lease
        var epochB = (await onB.DescribeAsync()).LeaderEpoch;

        var fenced = await Assert.ThrowsAsync<NotLeaderException>(() => onA.AppendAsync(Batch("a-stale"), Acks.All));
        Assert.True(fenced.IsRetriable);
        Assert.True(epochB > epochA, $"B's epoch {epochB} must be newer than A's {epochA}");

        var log = await ReadLogAsync(b, topic);
        Assert.Equal(["a-0", "b-0"], log.Select(r => r.Value));
        Assert.Equal([0L, 1L], log.Select(r => r.Offset));
        Assert.Equal([epochA, epochB], log.Select(r => r.Epoch));
    }

    [Fact]
    public async Task Two_activations_writing_at_once_leave_one_log_without_gap_overlap_or_duplicate()
    {
        var container = TestAzurite.NewContainerName("fence2");
        await using var a = await LogCluster.StartAsync(silos: 1, containerName: container);
        await using var b = await LogCluster.StartAsync(silos: 1, containerName: container);
        var topic = LogCluster.NewTopic("fence2");
        await a.CreateTopicAsync(topic, 1);
        const int perProducer = 150;

        async Task<List<DeliveryResult>> ProduceAsync(LogCluster cluster, string name)
        {
            var acked = new List<DeliveryResult>();
            await using var producer = cluster.Client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.FromMilliseconds(2), RetryBackoff = TimeSpan.FromMilliseconds(20) });
            for (var i = 0; i < perProducer; i += 10)
            {
                acked.AddRange(await Task.WhenAll(Enumerable.Range(i, 10).Select(n => producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Value = $"{name}-{n:D4}" }))));
            }

            return acked;
        }

        var results = await Task.WhenAll(ProduceAsync(a, "a"), ProduceAsync(b, "b"));
        // Both activations go, so the read comes from a fresh one that recovers the whole log from storage.
        await a.Cluster.DeactivateAsync(await a.PartitionAsync(topic, 0));
        await b.Cluster.DeactivateAsync(await b.PartitionAsync(topic, 0));

        var log = await ReadLogAsync(a, topic);
        var epochs = log.Select(r => r.Epoch).Distinct().Count();
        Console.WriteLine($"fencing: {log.Count} records, {epochs} leader epochs took turns writing");
        Assert.Equal(Enumerable.Range(0, 2 * perProducer).Select(i => (long)i), log.Select(r => r.Offset));
        Assert.Equal(log.Select(r => r.Epoch).Order(), log.Select(r => r.Epoch));
        foreach (var name in new[] { "a", "b" })
        {
            Assert.Equal(Enumerable.Range(0, perProducer).Select(n => $"{name}-{n:D4}"), log.Where(r => r.Value.StartsWith(name + "-", StringComparison.Ordinal)).Select(r => r.Value));
        }

        var acknowledged = results.SelectMany(r => r).ToDictionary(r => r.Offset);
        Assert.Equal(2 * perProducer, acknowledged.Count);
        Assert.True(epochs >= 2, "both activations should have written");
    }

    [Fact]
    public async Task A_pending_append_is_acknowledged_only_by_the_activation_that_ordered_it_even_when_a_successor_made_its_offset_durable()
    {
        // flush.ms of an hour: A's pending append stays in A's memory until someone waits for it.
        await using var pair = await TwoActivations.StartAsync("fence3", ("flush.ms", "3600000"), ("flush.bytes", "4194304"));
        var (b, topic, onA, onB) = (pair.B, pair.Topic, pair.OnA, pair.OnB);

        var pendingA = await onA.AppendPendingAsync(Batch("a-unflushed"));
        var pendingB = await onB.AppendPendingAsync(Batch("b-0")); // B activates: newer epoch, recovers without A's record
        await onB.WaitDurableAsync(pendingB.LastOffset, pendingB.LeaderEpoch);

        Assert.Equal(0, pendingA.Result.BaseOffset);
        Assert.Equal(0, pendingB.Result.BaseOffset);
        Assert.True(pendingB.LeaderEpoch > pendingA.LeaderEpoch);
        // Offset 0 is durable, but holds B's record: neither B nor the fenced A may acknowledge A's append.
        var onSuccessor = await Assert.ThrowsAsync<NotLeaderException>(() => onB.WaitDurableAsync(pendingA.LastOffset, pendingA.LeaderEpoch));
        Assert.Contains($"leader epoch {pendingA.LeaderEpoch}", onSuccessor.Message);
        await Assert.ThrowsAsync<NotLeaderException>(() => onA.WaitDurableAsync(pendingA.LastOffset, pendingA.LeaderEpoch));
        Assert.Equal(["b-0"], (await ReadLogAsync(b, topic)).Select(r => r.Value));
    }

    [Fact]
    public async Task Pending_appends_become_durable_in_order_when_waited_for()
    {
        await using var log = await LogCluster.StartAsync(silos: 1);
        var topic = LogCluster.NewTopic("pending");
        await log.CreateTopicAsync(topic, 1);
        var partition = await log.PartitionAsync(topic, 0);

        var pending = new List<PendingAppend>();
        for (var i = 0; i < 5; i++)
        {
            pending.Add(await partition.AppendPendingAsync(Batch($"p-{i}")));
        }

        await Task.WhenAll(pending.Select(p => partition.WaitDurableAsync(p.LastOffset, p.LeaderEpoch)));

        Assert.Equal([0L, 1, 2, 3, 4], pending.Select(p => p.Result.BaseOffset));
        Assert.Equal(5, (await partition.DescribeAsync()).HighWatermark);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"p-{i}"), (await ReadLogAsync(log, topic)).Select(r => r.Value));
    }

    private static async Task<List<(long Offset, int Epoch, string Value)>> ReadLogAsync(LogCluster cluster, string topic)
    {
        var bytes = await LogTestExtensions.ReadAllBatchesAsync(await cluster.PartitionAsync(topic, 0));
        var log = new List<(long, int, string)>();
        foreach (var batch in new RecordBatchSequence(bytes))
        {
            var header = RecordBatchHeader.Read(batch.Span);
            foreach (var record in RecordBatchReader.ReadRecords(batch))
            {
                log.Add((record.Offset, header.PartitionLeaderEpoch, System.Text.Encoding.UTF8.GetString(record.Value.Span)));
            }
        }

        return log;
    }

    private static byte[] Batch(string value)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null, System.Text.Encoding.UTF8.GetBytes(value));
        return builder.Build();
    }

    // Two one-silo clusters over one storage container, each with its own handle on partition 0 of one topic: a zombie (A) and its
    // successor (B). Neither partition is activated yet.
    private sealed record TwoActivations(LogCluster A, LogCluster B, string Topic, IPartitionGrain OnA, IPartitionGrain OnB) : IAsyncDisposable
    {
        public static async Task<TwoActivations> StartAsync(string prefix, params (string Key, string Value)[] configs)
        {
            var container = TestAzurite.NewContainerName(prefix);
            var a = await LogCluster.StartAsync(silos: 1, containerName: container);
            var b = await LogCluster.StartAsync(silos: 1, containerName: container);
            var topic = LogCluster.NewTopic(prefix);
            await a.CreateTopicAsync(topic, 1, configs);
            return new TwoActivations(a, b, topic, await a.PartitionAsync(topic, 0), await b.PartitionAsync(topic, 0));
        }

        public async ValueTask DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
        }
    }
}
