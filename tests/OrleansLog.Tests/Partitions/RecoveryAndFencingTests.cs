using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;
using static OrleansLog.Tests.Partitions.PartitionHarness;

namespace OrleansLog.Tests.Partitions;

public sealed class RecoveryAndFencingTests
{
    [Fact]
    public async Task An_acks_all_append_completes_only_when_its_block_is_in_the_segment()
    {
        var harness = new PartitionHarness();
        var partition = await harness.ActivateAsync();
        var append = partition.Append(Batch(3));

        var durable = partition.Committer.WaitDurableAsync(append.LastOffset);
        Assert.False(durable.IsCompleted);
        await partition.Committer.FlushAsync();

        await durable.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(3, partition.Log.HighWatermark);
        Assert.Equal(0, partition.Log.PendingBytes);
        var properties = await harness.Store.GetPropertiesAsync(partition.Active.Blob, default);
        Assert.Equal(partition.Active.Size, properties!.Size);
    }

    [Fact]
    public async Task Recovery_rebuilds_offsets_timestamps_and_producer_state_from_the_active_segment()
    {
        var harness = new PartitionHarness();
        var first = await harness.ActivateAsync();
        first.Append(Batch(2, timestamp: 100));
        first.Append(Batch(3, producerId: 7, baseSequence: 0, timestamp: 200));
        await first.Committer.FlushAsync();

        var second = await harness.ActivateAsync();

        Assert.Null(second.Damage);
        Assert.Equal(5, second.Log.HighWatermark);
        Assert.Equal(5, second.Log.NextOffset);
        Assert.Equal(first.Active.Size, second.Active.Size);
        Assert.Equal(100, second.Active.FirstTimestamp);
        Assert.Equal(202, second.Active.MaxTimestamp);
        Assert.Equal(2, second.Manifest.Current.LeaderEpoch);

        // The producer's retry after the failover is recognised: it gets its original offset and is not written twice.
        var retry = second.Append(Batch(3, producerId: 7, baseSequence: 0, timestamp: 200));
        Assert.Equal([2L], retry.BatchOffsets!);
        Assert.Equal(0, retry.AppendedBytes);
    }

    [Fact]
    public async Task Recovery_seals_a_torn_tail_at_the_last_whole_batch_and_appends_continue_after_it()
    {
        var harness = new PartitionHarness();
        var first = await harness.ActivateAsync();
        first.Append(Batch(2));
        await first.Committer.FlushAsync();
        var whole = first.Active.Size;

        // A crash in the middle of a block: half of a batch reached the blob.
        await first.AppendTornBatchAsync(harness.Store, Batch(4));

        var second = await harness.ActivateAsync();

        Assert.Contains("not a whole batch", second.Damage, StringComparison.Ordinal);
        Assert.Equal(2, second.Log.HighWatermark);
        var sealedSegment = Assert.Single(second.Manifest.Current.Segments);
        Assert.Equal((0L, 1L, whole), (sealedSegment.BaseOffset, sealedSegment.LastOffset, sealedSegment.SizeBytes));
        Assert.Equal(2, second.Active.BaseOffset);
        Assert.Equal(0, second.Active.Size);

        var append = second.Append(Batch(1));
        await second.Committer.FlushAsync();
        Assert.Equal(2, append.BaseOffset);
        Assert.Equal(2, RecordBatchHeader.Read(await second.ReadStoredAsync(2)).BaseOffset);
        Assert.Equal(0, RecordBatchHeader.Read(await second.ReadStoredAsync(0)).BaseOffset);
    }

    [Fact]
    public async Task Recovery_deletes_an_active_segment_with_no_whole_batch()
    {
        var harness = new PartitionHarness();
        var first = await harness.ActivateAsync();
        first.Append(Batch(2));
        await first.Committer.FlushAsync();
        await first.Committer.SealAsync();
        var garbage = new byte[] { 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0 };
        await harness.Store.CreateSegmentAsync(first.Active.Blob, default);
        await harness.Store.AppendBlockAsync(first.Active.Blob, garbage, 0, null, default);

        var second = await harness.ActivateAsync();

        Assert.NotNull(second.Damage);
        Assert.Equal(2, second.Log.HighWatermark);
        Assert.Null(await harness.Store.GetPropertiesAsync(second.Active.Blob, default));
        Assert.Single(second.Manifest.Current.Segments);
    }

    [Fact]
    public async Task An_activation_that_lost_its_lease_fails_its_waiting_appends_with_NotLeaderException_and_writes_nothing()
    {
        var harness = new PartitionHarness();
        var zombie = await harness.ActivateAsync();
        zombie.Append(Batch(2));
        await zombie.Committer.FlushAsync();

        // A new activation (the silo was declared dead, say) takes the epoch and the segment's lease.
        var leader = await harness.ActivateAsync();
        var size = (await harness.Store.GetPropertiesAsync(leader.Active.Blob, default))!.Size;

        var append = zombie.Append(Batch(3));
        var durable = zombie.Committer.WaitDurableAsync(append.LastOffset);
        var loop = zombie.Committer.RunAsync();

        await Assert.ThrowsAsync<NotLeaderException>(() => durable.WaitAsync(TimeSpan.FromSeconds(10)));
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.IsType<NotLeaderException>(zombie.Failure);
        Assert.Equal(size, (await harness.Store.GetPropertiesAsync(leader.Active.Blob, default))!.Size);

        leader.Append(Batch(1));
        await leader.Committer.FlushAsync();
        Assert.Equal(3, leader.Log.HighWatermark);
    }

    [Fact]
    public async Task A_fenced_activation_without_a_lease_checks_the_epoch_and_breaks_no_lease()
    {
        var harness = new PartitionHarness();
        var zombie = await harness.ActivateAsync();
        var leader = await harness.ActivateAsync();
        leader.Append(Batch(1));
        await leader.Committer.FlushAsync();
        var leaderLease = leader.Active.LeaseId;

        zombie.Append(Batch(2));

        await Assert.ThrowsAsync<NotLeaderException>(zombie.Committer.FlushAsync);
        leader.Append(Batch(1));
        await leader.Committer.FlushAsync();
        Assert.Equal(leaderLease, leader.Active.LeaseId);
        Assert.Equal(2, leader.Log.HighWatermark);
    }

    [Fact]
    public async Task A_full_segment_is_sealed_with_its_index_and_producer_state_before_the_next_block()
    {
        var harness = new PartitionHarness();
        var partition = await harness.ActivateAsync();
        var batch = Batch(2, producerId: 7, baseSequence: 0);
        partition.Committer.Config = TopicConfig.Default with { SegmentBytes = batch.Length + 10 };
        partition.Append(batch);
        await partition.Committer.FlushAsync();

        partition.Append(Batch(1, producerId: 7, baseSequence: 2));
        await partition.Committer.FlushAsync();

        var stored = harness.Manifest.Read();
        var sealedSegment = Assert.Single(stored.Segments);
        Assert.Equal((0L, 1L), (sealedSegment.BaseOffset, sealedSegment.LastOffset));
        Assert.Equal(2, stored.ActiveBaseOffset);
        Assert.Equal(7, Assert.Single(stored.Producers).ProducerId);
        Assert.NotNull(await harness.Store.ReadBlobAsync(SegmentPaths.Index(Key.TopicId, Key.Partition, 0), default));
        Assert.Equal(2, partition.Active.BaseOffset);
        Assert.Equal(3, partition.Log.HighWatermark);
    }

    [Fact]
    public async Task Acks_leader_data_waits_for_flush_ms_then_is_flushed_by_the_loop()
    {
        var harness = new PartitionHarness { Config = TopicConfig.Default with { FlushMs = 1_000 } };
        var partition = await harness.ActivateAsync();
        var loop = partition.Committer.RunAsync();
        partition.Append(Batch(2));
        partition.Committer.Signal();

        await Task.Delay(100);
        Assert.Equal(0, partition.Log.HighWatermark);
        var flushed = partition.Committer.Flushed;
        harness.Time.Advance(TimeSpan.FromSeconds(1));

        await flushed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, partition.Log.HighWatermark);
        partition.Committer.Stop();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
