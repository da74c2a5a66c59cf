using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Segments;

namespace OrleansLog.ClusterTests.Durability;

/// <summary>Segment blobs as a crash leaves them (written directly to Azurite), then a fresh activation recovers.</summary>
[Collection(LogClusterCollection.Name)]
public sealed class CrashRecoveryTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Theory]
    [InlineData("half-written batch")]
    [InlineData("bad CRC")]
    public async Task A_damaged_tail_is_cut_off_and_the_log_goes_on_after_the_last_whole_batch(string damage)
    {
        var topic = LogCluster.NewTopic("torn");
        var description = await _log.CreateTopicAsync(topic, 1);
        var values = Enumerable.Range(0, 50).Select(i => $"before-{i}").ToList();
        await ProduceAsync(topic, values);
        var partition = await _log.PartitionAsync(topic, 0);
        await _log.Cluster.DeactivateAsync(partition);

        // A silo died mid-append: it still holds the segment's lease, and the blob ends in a broken batch.
        var blob = SegmentPaths.Log(description.TopicId, 0, 0);
        var size = (await _log.Store.GetPropertiesAsync(blob, CancellationToken.None))!.Size;
        var deadSilosLease = await _log.Store.TakeLeaseAsync(blob, CancellationToken.None);
        var broken = BrokenBatch(baseOffset: 50, damage);
        await _log.Store.AppendBlockAsync(blob, broken, size, deadSilosLease, CancellationToken.None);

        var recovered = await partition.DescribeAsync();
        Assert.Equal(50, recovered.HighWatermark);
        Assert.Equal(size, recovered.SizeBytes);

        var after = Enumerable.Range(0, 30).Select(i => $"after-{i}").ToList();
        var acked = await ProduceAsync(topic, after);
        Assert.Equal(Enumerable.Range(50, 30).Select(i => (long)i), acked.Select(a => a.Offset));

        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(80, TimeSpan.FromSeconds(30));
        Assert.Equal(values.Concat(after), consumed.Select(c => c.Message.Value));
        Assert.Equal(Enumerable.Range(0, 80).Select(i => (long)i), consumed.Select(c => c.Offset));
        Assert.Equal(2, (await partition.DescribeAsync()).SegmentCount); // the damaged segment, sealed at its last whole batch, and a new one
    }

    [Fact]
    public async Task A_blob_holding_only_a_torn_batch_is_dropped_and_offsets_start_at_zero()
    {
        var topic = LogCluster.NewTopic("torn-empty");
        var description = await _log.CreateTopicAsync(topic, 1);
        var blob = SegmentPaths.Log(description.TopicId, 0, 0);
        await _log.Store.CreateSegmentAsync(blob, CancellationToken.None);
        await _log.Store.AppendBlockAsync(blob, BrokenBatch(0, "half-written batch"), 0, null, CancellationToken.None);

        var acked = await ProduceAsync(topic, ["first"]);

        Assert.Equal(0, acked.Single().Offset);
        var partition = await _log.PartitionAsync(topic, 0);
        Assert.Equal(1, (await partition.DescribeAsync()).HighWatermark);
    }

    [Fact]
    public async Task Reads_are_right_when_the_index_lags_the_segment_data()
    {
        var topic = LogCluster.NewTopic("lagging-index");
        var description = await _log.CreateTopicAsync(topic, 1, ("segment.bytes", "4096"), ("index.interval.bytes", "256"));
        var values = Enumerable.Range(0, 400).Select(i => $"indexed-{i:D4}-" + new string('x', 20)).ToList();
        await ProduceAsync(topic, values, batchSize: 300);
        var partition = await _log.PartitionAsync(topic, 0);
        await _log.Cluster.DeactivateAsync(partition);

        // Every index blob keeps only its first entry, as if the index were written before the rest of the data.
        var indexes = (await _log.Store.ListAsync(SegmentPaths.TopicPrefix(description.TopicId), CancellationToken.None)).Where(b => b.EndsWith(".index", StringComparison.Ordinal)).ToList();
        Assert.True(indexes.Count >= 3, $"expected several sealed segments, got {indexes.Count}");
        foreach (var name in indexes)
        {
            var full = SegmentIndex.Parse(await _log.Store.ReadBlobAsync(name, CancellationToken.None));
            var lagging = new SegmentIndex();
            var first = full.Entries[0];
            lagging.Add(first.Offset, 1, first.MaxTimestampBefore, first.Position, 1);
            await _log.Store.WriteBlobAsync(name, lagging.ToBytes(), CancellationToken.None);
        }

        await using var consumer = _log.Client.CreateConsumer<string, string>(new ConsumerOptions { MaxPartitionFetchBytes = 512 });
        foreach (var offset in new[] { 0, 77, 150, 251, 399 })
        {
            consumer.Assign([new TopicPartitionOffset(topic, 0, offset)]);
            var consumed = await consumer.ConsumeAsync(1, TimeSpan.FromSeconds(20));
            Assert.Equal(offset, consumed.Single().Offset);
            Assert.Equal(values[offset], consumed.Single().Message.Value);
        }
    }

    private async Task<List<DeliveryResult>> ProduceAsync(string topic, IReadOnlyList<string> values, int batchSize = 16 * 1024)
    {
        await using var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { BatchSize = batchSize, Linger = TimeSpan.Zero });
        var acked = new List<DeliveryResult>();
        foreach (var chunk in values.Chunk(20))
        {
            acked.AddRange(await Task.WhenAll(chunk.Select(v => producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Value = v }))));
        }

        return acked;
    }

    private static byte[] BrokenBatch(long baseOffset, string damage)
    {
        using var builder = new RecordBatchBuilder();
        for (var i = 0; i < 5; i++)
        {
            builder.Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null, System.Text.Encoding.UTF8.GetBytes($"never-acknowledged-{i}"));
        }

        var batch = builder.Build(baseOffset);
        if (damage == "half-written batch")
        {
            return batch[..(batch.Length / 2)];
        }

        batch[^3] ^= 0x5A;
        return batch;
    }
}
