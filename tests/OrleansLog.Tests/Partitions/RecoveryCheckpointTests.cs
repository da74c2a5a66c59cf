using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;
using static OrleansLog.Tests.Partitions.PartitionHarness;

namespace OrleansLog.Tests.Partitions;

public sealed class RecoveryCheckpointTests
{
    [Fact]
    public async Task Recovery_from_a_checkpoint_reads_only_the_bytes_after_it_and_restores_index_timestamps_and_producer_state()
    {
        var harness = CheckpointingEveryFlush();
        var first = await harness.ActivateAsync();
        await first.AppendAndFlushAsync(Batch(3, producerId: 7, baseSequence: 0, timestamp: 100));
        await first.AppendAndFlushAsync(Batch(2, timestamp: 300));
        var checkpointed = first.Active.Size;
        Assert.Equal(checkpointed, first.Active.CheckpointedSize);

        // Written after the last checkpoint: the only bytes recovery may replay.
        harness.Options.CheckpointIntervalBytes = long.MaxValue;
        var after = Batch(4, timestamp: 200);
        await first.AppendAndFlushAsync(after);
        Assert.Equal(checkpointed, first.Active.CheckpointedSize);

        var readBefore = harness.Store.BytesRead;
        var second = await harness.ActivateAsync();

        // One batch header to check the checkpoint against the segment, then the batch written after it.
        Assert.Equal(RecordBatchHeader.Size + after.Length, harness.Store.BytesRead - readBefore);
        Assert.Null(second.Damage);
        Assert.Equal(9, second.Log.HighWatermark);
        Assert.Equal(first.Active.Size, second.Active.Size);
        Assert.Equal(first.Active.Index.Entries, second.Active.Index.Entries);
        Assert.Equal((100L, 301L), (second.Active.FirstTimestamp, second.Active.MaxTimestamp));

        // The producer's batch is in the active segment only (no seal wrote it to the manifest): the checkpoint carried it.
        var retry = second.Append(Batch(3, producerId: 7, baseSequence: 0, timestamp: 100));
        Assert.Equal([0L], retry.BatchOffsets!);
        Assert.Equal(0, retry.AppendedBytes);

        // Offsets the checkpoint covers are read from the segment through the restored index.
        Assert.Equal(0, RecordBatchHeader.Read(await second.ReadStoredAsync(0)).BaseOffset);
        Assert.Equal(3, RecordBatchHeader.Read(await second.ReadStoredAsync(3)).BaseOffset);
        Assert.Equal(5, RecordBatchHeader.Read(await second.ReadStoredAsync(5)).BaseOffset);
    }

    [Fact]
    public async Task Appends_after_a_checkpoint_recovery_index_the_segment_as_a_full_scan_would()
    {
        var harness = CheckpointingEveryFlush(TopicConfig.Default with { IndexIntervalBytes = 150 });
        var first = await harness.ActivateAsync();
        for (var i = 0; i < 5; i++)
        {
            await first.AppendAndFlushAsync(Batch(2, timestamp: 100 + i));
        }

        var fromCheckpoint = await harness.ActivateAsync();
        for (var i = 0; i < 5; i++)
        {
            await fromCheckpoint.AppendAndFlushAsync(Batch(3, timestamp: 200 + i));
        }

        await harness.Store.DeleteAsync(fromCheckpoint.Active.CheckpointBlob, default);
        var fullScan = await harness.ActivateAsync();

        Assert.True(fromCheckpoint.Active.Index.Entries.Count > 3);
        Assert.Equal(fullScan.Active.Index.Entries, fromCheckpoint.Active.Index.Entries);
        Assert.Equal(fullScan.Active.MaxTimestamp, fromCheckpoint.Active.MaxTimestamp);
        Assert.Equal(25, fullScan.Log.HighWatermark);
    }

    [Theory]
    [InlineData("corrupt")]
    [InlineData("other batch")]
    [InlineData("longer than the segment")]
    public async Task A_checkpoint_that_does_not_describe_the_segment_is_ignored_and_the_whole_segment_is_scanned(string damage)
    {
        var harness = CheckpointingEveryFlush();
        var first = await harness.ActivateAsync();
        await first.AppendAndFlushAsync(Batch(3, producerId: 7, baseSequence: 0));
        await first.AppendAndFlushAsync(Batch(2));
        var stored = (await harness.Store.ReadBlobAsync(first.Active.CheckpointBlob, default))!;
        var checkpoint = SegmentCheckpoint.Parse(stored);
        var replacement = damage switch
        {
            "corrupt" => [.. stored[..^1], (byte)(stored[^1] ^ 0xFF)],
            "other batch" => Copy(checkpoint, lastBatchCrc: checkpoint.LastBatchCrc + 1).ToBytes(),
            _ => Copy(checkpoint, position: checkpoint.Position + 100).ToBytes(),
        };
        await harness.Store.WriteBlobAsync(first.Active.CheckpointBlob, replacement, default);

        var readBefore = harness.Store.BytesRead;
        var second = await harness.ActivateAsync();

        Assert.True(harness.Store.BytesRead - readBefore >= first.Active.Size);
        Assert.Null(second.Damage);
        Assert.Equal(5, second.Log.HighWatermark);
        Assert.Equal(first.Active.Index.Entries, second.Active.Index.Entries);
        Assert.Equal([0L], second.Append(Batch(3, producerId: 7, baseSequence: 0)).BatchOffsets!);
    }

    [Fact]
    public async Task A_torn_tail_after_a_checkpoint_is_sealed_at_the_last_whole_batch()
    {
        var harness = CheckpointingEveryFlush();
        var first = await harness.ActivateAsync();
        await first.AppendAndFlushAsync(Batch(2));
        harness.Options.CheckpointIntervalBytes = long.MaxValue;
        await first.AppendAndFlushAsync(Batch(3));
        var whole = first.Active.Size;
        await first.AppendTornBatchAsync(harness.Store, Batch(4));

        var second = await harness.ActivateAsync();

        Assert.Contains("not a whole batch", second.Damage, StringComparison.Ordinal);
        var sealedSegment = Assert.Single(second.Manifest.Current.Segments);
        Assert.Equal((0L, 4L, whole), (sealedSegment.BaseOffset, sealedSegment.LastOffset, sealedSegment.SizeBytes));
        Assert.Null(await harness.Store.ReadBlobAsync(SegmentPaths.Checkpoint(Key.TopicId, Key.Partition, 0), default));
        Assert.Equal(5, second.Active.BaseOffset);
    }

    [Fact]
    public async Task Sealing_a_segment_deletes_its_checkpoint_and_the_next_segment_checkpoints_itself()
    {
        var harness = CheckpointingEveryFlush();
        var first = await harness.ActivateAsync();
        await first.AppendAndFlushAsync(Batch(2));
        var sealedCheckpoint = first.Active.CheckpointBlob;
        Assert.NotNull(await harness.Store.ReadBlobAsync(sealedCheckpoint, default));

        await first.Committer.SealAsync();
        await first.AppendAndFlushAsync(Batch(3));

        Assert.Null(await harness.Store.ReadBlobAsync(sealedCheckpoint, default));
        var next = SegmentCheckpoint.Parse((await harness.Store.ReadBlobAsync(first.Active.CheckpointBlob, default))!);
        Assert.Equal((2L, 5L, first.Active.Size), (next.SegmentBaseOffset, next.NextOffset, next.Position));
    }

    [Fact]
    public async Task With_checkpoints_off_no_checkpoint_is_written()
    {
        var harness = new PartitionHarness();
        harness.Options.CheckpointIntervalBytes = 0;
        var first = await harness.ActivateAsync();
        await first.AppendAndFlushAsync(Batch(2));

        Assert.Null(await harness.Store.ReadBlobAsync(first.Active.CheckpointBlob, default));
        Assert.Equal(0, first.Active.CheckpointedSize);
    }

    // Every flush writes a checkpoint (a test raises the interval to stop them).
    private static PartitionHarness CheckpointingEveryFlush(TopicConfig? config = null)
    {
        var harness = new PartitionHarness { Config = config ?? TopicConfig.Default };
        harness.Options.CheckpointIntervalBytes = 1;
        return harness;
    }

    private static SegmentCheckpoint Copy(SegmentCheckpoint checkpoint, long? position = null, uint? lastBatchCrc = null) => new()
    {
        SegmentBaseOffset = checkpoint.SegmentBaseOffset,
        Position = position ?? checkpoint.Position,
        NextOffset = checkpoint.NextOffset,
        LastBatchPosition = checkpoint.LastBatchPosition,
        LastBatchCrc = lastBatchCrc ?? checkpoint.LastBatchCrc,
        FirstTimestamp = checkpoint.FirstTimestamp,
        MaxTimestamp = checkpoint.MaxTimestamp,
        Index = checkpoint.Index,
        Producers = checkpoint.Producers,
    };
}
