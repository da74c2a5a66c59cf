using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Segments;

namespace OrleansLog.ClusterTests.Log;

[Collection(LogClusterCollection.Name)]
public sealed class SegmentTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task Consumers_read_across_sealed_segments_and_the_tail_in_order()
    {
        var topic = LogCluster.NewTopic("segments");
        var description = await _log.CreateTopicAsync(topic, 1, ("segment.bytes", "4096"), ("index.interval.bytes", "512"));
        await using (var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { BatchSize = 600, Linger = TimeSpan.Zero }))
        {
            for (var round = 0; round < 10; round++)
            {
                await Task.WhenAll(Enumerable.Range(round * 100, 100).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"record-{i:D4}-" + new string('s', 20) })));
            }
        }

        var partition = (await _log.Client.Admin.DescribePartitionsAsync(topic)).Single();
        Assert.Equal(1000, partition.HighWatermark);
        Assert.True(partition.SegmentCount >= 5, $"expected several segments of 4 KiB, got {partition.SegmentCount}");

        var blobs = await _log.Store.ListAsync(SegmentPaths.TopicPrefix(description.TopicId), CancellationToken.None);
        Assert.Equal(partition.SegmentCount, blobs.Count(b => b.EndsWith(".log", StringComparison.Ordinal)));
        Assert.Equal(partition.SegmentCount - 1, blobs.Count(b => b.EndsWith(".index", StringComparison.Ordinal)));

        await using var consumer = _log.Client.CreateConsumer<string, string>(new ConsumerOptions { MaxPartitionFetchBytes = 2048, PrefetchBytesPerPartition = 4096 });
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(1000, TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => $"record-{i:D4}-" + new string('s', 20)), consumed.Select(r => r.Message.Value));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), consumed.Select(r => r.Offset));
    }

    [Fact]
    public async Task Batches_evicted_from_a_tiny_tail_are_read_back_from_segment_blobs()
    {
        // A silo whose tails hold about one batch: nearly every fetch is a ranged blob read through the index.
        await using var log = await LogCluster.StartAsync(silos: 1, configurePartitions: o =>
        {
            o.TailBytesPerPartition = 1024;
            o.ReadAheadBytes = 4096;
        });
        var topic = LogCluster.NewTopic("evicted");
        await log.CreateTopicAsync(topic, 2, ("segment.bytes", "8192"), ("index.interval.bytes", "1024"));
        var values = Enumerable.Range(0, 1500).Select(i => $"evicted-{i:D5}-" + new string('e', i % 40)).ToList();
        await using (var producer = log.Client.CreateProducer<string, string>(new ProducerOptions { BatchSize = 700, Linger = TimeSpan.FromMilliseconds(1) }))
        {
            await Task.WhenAll(values.Select((v, i) => producer.ProduceAsync(new TopicPartition(topic, i % 2), new Message<string, string> { Value = v })));
        }

        await using var consumer = log.Client.CreateConsumer<string, string>(new ConsumerOptions { MaxPartitionFetchBytes = 1500, PrefetchBytesPerPartition = 3000 });
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 2));
        var consumed = await consumer.ConsumeAsync(values.Count, TimeSpan.FromSeconds(60));
        Assert.Equal(values.Count, consumed.Count);
        foreach (var partition in consumed.GroupBy(r => r.Partition))
        {
            Assert.Equal(values.Where((_, i) => i % 2 == partition.Key), partition.Select(r => r.Message.Value));
            Assert.Equal(Enumerable.Range(0, partition.Count()).Select(i => (long)i), partition.Select(r => r.Offset));
        }

        // Seeking back into an old segment works the same way.
        consumer.Seek(new TopicPartitionOffset(topic, 1, 100));
        var again = await consumer.ConsumeAsync(10, TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(100, 10).Select(i => values[(i * 2) + 1]), again.Where(r => r.Partition == 1).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task A_full_cluster_restart_reads_back_every_acknowledged_record_byte_for_byte()
    {
        var topic = LogCluster.NewTopic("restart");
        var container = TestAzurite.NewContainerName("restart");
        byte[][] before;
        var acknowledged = new List<DeliveryResult>();
        await using (var first = await LogCluster.StartAsync(silos: 1, containerName: container))
        {
            await first.CreateTopicAsync(topic, 3, ("segment.bytes", "8192"));
            await using (var producer = first.Client.CreateProducer<string, string>(new ProducerOptions { Acks = Acks.All, BatchSize = 1024 }))
            {
                acknowledged.AddRange(await Task.WhenAll(Enumerable.Range(0, 900).Select(i =>
                    producer.ProduceAsync(topic, new Message<string, string> { Key = $"k{i % 31}", Value = $"durable-{i}" }))));
            }

            before = await Task.WhenAll(Enumerable.Range(0, 3).Select(async p => await LogTestExtensions.ReadAllBatchesAsync(await first.PartitionAsync(topic, p))));
        }

        await using var second = await LogCluster.StartAsync(silos: 1, containerName: container);
        var after = await Task.WhenAll(Enumerable.Range(0, 3).Select(async p => await LogTestExtensions.ReadAllBatchesAsync(await second.PartitionAsync(topic, p))));
        for (var p = 0; p < 3; p++)
        {
            Assert.True(before[p].Length > 0);
            Assert.Equal(before[p], after[p]);
        }

        await using var consumer = second.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 3));
        var consumed = await consumer.ConsumeAsync(900, TimeSpan.FromSeconds(60));
        Assert.Equal(
            acknowledged.Select(a => (a.Partition, a.Offset)).Order(),
            consumed.Select(c => (c.Partition, c.Offset)).Order());
        Assert.Equal(Enumerable.Range(0, 900).Select(i => $"durable-{i}").Order(), consumed.Select(c => c.Message.Value!).Order());

        // The recovered log goes on from where it stopped.
        await using var producer2 = second.Client.CreateProducer<string, string>();
        var next = await producer2.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Value = "after-restart" });
        Assert.Equal(acknowledged.Count(a => a.Partition == 0), next.Offset);
    }

    [Fact]
    public async Task Size_retention_deletes_old_segments_and_moves_the_log_start_offset()
    {
        var topic = LogCluster.NewTopic("retention-bytes");
        var description = await _log.CreateTopicAsync(topic, 1, ("segment.bytes", "2048"), ("retention.bytes", "4096"));
        await using (var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { BatchSize = 512, Linger = TimeSpan.Zero }))
        {
            for (var round = 0; round < 8; round++)
            {
                await Task.WhenAll(Enumerable.Range(round * 40, 40).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"r{i:D4}" + new string('b', 30) })));
            }
        }

        var partition = await _log.PartitionAsync(topic, 0);
        // Retention keeps deleting the oldest sealed segment while the rest would still hold retention.bytes.
        await LogTestExtensions.EventuallyAsync(
            async () => (await partition.DescribeAsync()) is { LogStartOffset: > 0, SizeBytes: <= 4096 + 2048 + 1024 },
            TimeSpan.FromSeconds(20),
            "retention to delete segments down to retention.bytes");
        var state = await partition.DescribeAsync();
        Assert.Equal(320, state.HighWatermark);
        Assert.True(state.SizeBytes >= 4096 - 2048, $"retention deleted too much: {state.SizeBytes} bytes left");

        // Nothing below the start offset can be fetched, and its segment blobs are gone.
        var error = await Assert.ThrowsAsync<Errors.OffsetOutOfRangeException>(() => partition.FetchAsync(0, 1024, TimeSpan.Zero));
        Assert.Equal(state.LogStartOffset, error.LogStartOffset);
        // Retention moves the start offset in the manifest first and deletes the blobs after it (a describe can interleave).
        await LogTestExtensions.EventuallyAsync(
            async () => !(await _log.Store.ListAsync(SegmentPaths.TopicPrefix(description.TopicId), CancellationToken.None)).Contains(SegmentPaths.Log(description.TopicId, 0, 0)),
            TimeSpan.FromSeconds(20),
            "retention to delete the first segment's blob");

        // A consumer from the beginning starts at the new start offset and reads the rest in order.
        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var remaining = (int)(320 - state.LogStartOffset);
        var consumed = await consumer.ConsumeAsync(remaining, TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range((int)state.LogStartOffset, remaining).Select(i => (long)i), consumed.Select(r => r.Offset));
    }

    [Fact]
    public async Task Time_retention_deletes_segments_whose_records_are_older_than_retention_ms()
    {
        var topic = LogCluster.NewTopic("retention-ms");
        await _log.CreateTopicAsync(topic, 1, ("segment.bytes", "1024"), ("retention.ms", "60000"));
        var old = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        await using (var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { BatchSize = 256, Linger = TimeSpan.Zero }))
        {
            for (var i = 0; i < 60; i++)
            {
                await producer.ProduceAsync(topic, new Message<string, string> { Value = $"old-{i}" + new string('t', 40), Timestamp = old + i });
            }

            for (var i = 0; i < 5; i++)
            {
                await producer.ProduceAsync(topic, new Message<string, string> { Value = $"new-{i}" });
            }
        }

        var partition = await _log.PartitionAsync(topic, 0);
        await LogTestExtensions.EventuallyAsync(
            async () => (await partition.DescribeAsync()).LogStartOffset >= 50,
            TimeSpan.FromSeconds(20),
            "time retention to delete the hour-old segments: " + await partition.DescribeAsync());
        var state = await partition.DescribeAsync();
        Assert.Equal(65, state.HighWatermark);
        Assert.True(state.LogStartOffset <= 60, "segments holding recent records are kept");
    }

    [Fact]
    public async Task List_offsets_finds_the_first_offset_at_or_after_a_timestamp()
    {
        var topic = LogCluster.NewTopic("list-offsets");
        await _log.CreateTopicAsync(topic, 1, ("segment.bytes", "1024"), ("retention.ms", "-1"));
        await using (var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.Zero }))
        {
            for (var i = 0; i < 100; i++)
            {
                await producer.ProduceAsync(topic, new Message<string, string> { Value = $"t{i}" + new string('l', 20), Timestamp = 1_000_000 + (i * 10) });
            }
        }

        var tp = new TopicPartition(topic, 0);
        Assert.Equal(0, (await _log.Client.Admin.ListOffsetAsync(tp, OffsetSpec.Earliest)).Offset);
        Assert.Equal(100, (await _log.Client.Admin.ListOffsetAsync(tp, OffsetSpec.Latest)).Offset);
        Assert.Equal(new OffsetAndTimestamp(0, 1_000_000), await _log.Client.Admin.ListOffsetAsync(tp, 0));
        Assert.Equal(new OffsetAndTimestamp(43, 1_000_430), await _log.Client.Admin.ListOffsetAsync(tp, 1_000_425));
        Assert.Equal(new OffsetAndTimestamp(43, 1_000_430), await _log.Client.Admin.ListOffsetAsync(tp, 1_000_430));
        Assert.Equal(new OffsetAndTimestamp(99, 1_000_990), await _log.Client.Admin.ListOffsetAsync(tp, 1_000_981));
        Assert.Equal(-1, (await _log.Client.Admin.ListOffsetAsync(tp, 2_000_000)).Offset);
    }
}
