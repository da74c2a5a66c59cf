using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Producers;
using OrleansLog.Records;

namespace OrleansLog.ClusterTests.Durability;

[Collection(LogClusterCollection.Name)]
public sealed class IdempotenceTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task A_retried_batch_gets_its_original_offsets_and_is_written_once()
    {
        var topic = LogCluster.NewTopic("idem-dup");
        await _log.CreateTopicAsync(topic, 1);
        var partition = await _log.PartitionAsync(topic, 0);

        var first = await partition.AppendAsync(Batch(producerId: 7001, epoch: 0, sequence: 0, records: 3), Acks.All);
        var second = await partition.AppendAsync(Batch(7001, 0, 3, 2), Acks.All);
        var retriedFirst = await partition.AppendAsync(Batch(7001, 0, 0, 3), Acks.All);
        var retriedSecond = await partition.AppendAsync(Batch(7001, 0, 3, 2), Acks.All);

        Assert.Equal(0, first.BaseOffset);
        Assert.Equal(3, second.BaseOffset);
        Assert.Equal(first.BaseOffset, retriedFirst.BaseOffset);
        Assert.Equal(second.BaseOffset, retriedSecond.BaseOffset);
        Assert.Equal(5, (await partition.DescribeAsync()).HighWatermark);
    }

    [Fact]
    public async Task Pipelined_appends_refused_after_their_partition_moved_are_written_once_in_order_by_their_idempotent_retry()
    {
        var topic = LogCluster.NewTopic("idem-pipelined");
        // flush.ms of an hour: the pending appends stay in memory until the move flushes them.
        await _log.CreateTopicAsync(topic, 1, ("flush.ms", "3600000"), ("flush.bytes", "4194304"));
        var partition = await _log.PartitionAsync(topic, 0);
        var pending = new List<PendingAppend>();
        for (var i = 0; i < 5; i++)
        {
            pending.Add(await partition.AppendPendingAsync(Batch(7010, 0, 2 * i, 2)));
        }

        // A graceful move writes them, but the activation that ordered them is gone: no wait may acknowledge them.
        await _log.Cluster.DeactivateAsync(partition);
        foreach (var append in pending)
        {
            await Assert.ThrowsAsync<NotLeaderException>(() => partition.WaitDurableAsync(append.LastOffset, append.LeaderEpoch));
        }

        // The producer resends every batch in order, as a Kafka client does after NOT_LEADER_OR_FOLLOWER: each is recognised.
        for (var i = 0; i < 5; i++)
        {
            var retried = await partition.AppendAsync(Batch(7010, 0, 2 * i, 2), Acks.All);
            Assert.Equal(pending[i].Result.BaseOffset, retried.BaseOffset);
        }

        Assert.Equal([0L, 2, 4, 6, 8], pending.Select(p => p.Result.BaseOffset));
        Assert.Equal(10, (await partition.DescribeAsync()).HighWatermark);
    }

    [Fact]
    public async Task A_retried_request_whose_first_batch_landed_appends_only_the_rest()
    {
        var topic = LogCluster.NewTopic("idem-partial");
        await _log.CreateTopicAsync(topic, 1);
        var partition = await _log.PartitionAsync(topic, 0);
        await partition.AppendAsync(Batch(7002, 0, 0, 2), Acks.All);
        await partition.AppendAsync(Batch(9999, 0, 0, 4), Acks.All); // another producer in between

        var result = await partition.AppendAsync([.. Batch(7002, 0, 0, 2), .. Batch(7002, 0, 2, 3)], Acks.All);

        Assert.Equal([0L, 6L], result.BatchBaseOffsets!);
        Assert.Equal(0, result.BaseOffsetOf(0, 0));
        Assert.Equal(6, result.BaseOffsetOf(1, 2));
        Assert.Equal(9, (await partition.DescribeAsync()).HighWatermark);
    }

    [Fact]
    public async Task A_sequence_gap_is_rejected_with_OutOfOrderSequence_and_nothing_is_written()
    {
        var topic = LogCluster.NewTopic("idem-gap");
        await _log.CreateTopicAsync(topic, 1);
        var partition = await _log.PartitionAsync(topic, 0);
        await partition.AppendAsync(Batch(7003, 0, 0, 2), Acks.All);

        var gap = await Assert.ThrowsAsync<OutOfOrderSequenceException>(() => partition.AppendAsync(Batch(7003, 0, 5, 1), Acks.All));

        Assert.Equal(Errors.ErrorCode.OutOfOrderSequenceNumber, gap.ErrorCode);
        Assert.Contains("expected 2", gap.Message);
        Assert.False(gap.IsRetriable);
        Assert.Equal(2, (await partition.DescribeAsync()).HighWatermark);
    }

    [Fact]
    public async Task An_old_producer_epoch_is_fenced_and_a_new_epoch_restarts_at_sequence_zero()
    {
        var topic = LogCluster.NewTopic("idem-epoch");
        await _log.CreateTopicAsync(topic, 1);
        var partition = await _log.PartitionAsync(topic, 0);
        await partition.AppendAsync(Batch(7004, 0, 0, 2), Acks.All);

        var badStart = await Assert.ThrowsAsync<OutOfOrderSequenceException>(() => partition.AppendAsync(Batch(7004, 1, 4, 1), Acks.All));
        var newEpoch = await partition.AppendAsync(Batch(7004, 1, 0, 1), Acks.All);
        var fenced = await Assert.ThrowsAsync<ProducerFencedException>(() => partition.AppendAsync(Batch(7004, 0, 2, 1), Acks.All));

        Assert.Contains("starts at sequence 0", badStart.Message);
        Assert.Equal(2, newEpoch.BaseOffset);
        Assert.Equal(Errors.ErrorCode.InvalidProducerEpoch, fenced.ErrorCode);
        Assert.Equal(3, (await partition.DescribeAsync()).HighWatermark);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Producer_state_survives_a_new_activation_from_the_active_segment_or_the_sealed_snapshot(bool sealFirst)
    {
        var topic = LogCluster.NewTopic("idem-recover");
        await _log.CreateTopicAsync(topic, 1, ("segment.bytes", "1024"));
        var partition = await _log.PartitionAsync(topic, 0);
        var offsets = new List<long>();
        for (var sequence = 0; sequence < 40; sequence += 4)
        {
            offsets.Add((await partition.AppendAsync(Batch(7005, 0, sequence, 4), Acks.All)).BaseOffset);
        }

        if (sealFirst)
        {
            // Filler from another producer pushes 7005's batches into sealed segments: only the manifest's snapshot has them.
            for (var i = 0; i < 20; i++)
            {
                await partition.AppendAsync(Batch(8000 + i, 0, 0, 4), Acks.All);
            }
        }

        await _log.Cluster.DeactivateAsync(partition);
        var described = await partition.DescribeAsync();
        var retried = await partition.AppendAsync(Batch(7005, 0, 36, 4), Acks.All);
        var next = await partition.AppendAsync(Batch(7005, 0, 40, 1), Acks.All);

        Assert.Equal(offsets[^1], retried.BaseOffset);
        Assert.Equal(described.HighWatermark, next.BaseOffset);
        Assert.Equal(described.HighWatermark + 1, (await partition.DescribeAsync()).HighWatermark);
        if (sealFirst)
        {
            Assert.True(described.SegmentCount > 2, $"expected sealed segments, got {described.SegmentCount}");
        }
    }

    [Fact]
    public async Task Producer_ids_never_repeat_across_activations_of_the_id_grain()
    {
        var grain = _log.Cluster.Client.GetGrain<IProducerIdGrain>(IProducerIdGrain.Key);
        var first = await grain.NextProducerIdAsync();
        var second = await grain.NextProducerIdAsync();
        await _log.Cluster.DeactivateAsync(grain);
        var afterRestart = await grain.NextProducerIdAsync();

        Assert.Equal(first + 1, second);
        Assert.True(afterRestart > second, $"id {afterRestart} after a restart must be above {second}");
    }

    [Fact]
    public async Task The_default_producer_stamps_a_producer_id_and_contiguous_sequences()
    {
        var topic = LogCluster.NewTopic("idem-client");
        await _log.CreateTopicAsync(topic, 1);
        await using (var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.Zero, BatchSize = 200 }))
        {
            Assert.True(producer.Options.IsIdempotent);
            await Task.WhenAll(Enumerable.Range(0, 300).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"v{i}" })));
        }

        var bytes = await LogTestExtensions.ReadAllBatchesAsync(await _log.PartitionAsync(topic, 0));
        var expectedSequence = 0;
        long producerId = -1;
        foreach (var batch in new RecordBatchSequence(bytes))
        {
            var header = RecordBatchHeader.Read(batch.Span);
            producerId = producerId < 0 ? header.ProducerId : producerId;
            Assert.Equal(producerId, header.ProducerId);
            Assert.Equal(expectedSequence, header.BaseSequence);
            Assert.Equal(header.BaseOffset, header.BaseSequence);
            expectedSequence += header.RecordCount;
        }

        Assert.True(producerId >= 0);
        Assert.Equal(300, expectedSequence);
    }

    private static byte[] Batch(long producerId, short epoch, int sequence, int records)
    {
        using var builder = new RecordBatchBuilder();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < records; i++)
        {
            builder.Append(now + i, null, System.Text.Encoding.UTF8.GetBytes($"p{producerId}-e{epoch}-s{sequence + i}"));
        }

        return builder.Build(producerId: producerId, producerEpoch: epoch, baseSequence: sequence);
    }
}
