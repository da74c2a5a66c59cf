using System.Buffers.Binary;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;
using static OrleansLog.Tests.Partitions.PartitionHarness;

namespace OrleansLog.Tests.Partitions;

public sealed class PartitionLogTests
{
    [Fact]
    public async Task Batches_of_one_append_get_consecutive_offsets_and_the_leader_epoch()
    {
        var partition = await new PartitionHarness().ActivateAsync();
        var first = Batch(3);
        var second = Batch(2);

        var append = partition.Append(first, second);

        Assert.Equal(0, append.BaseOffset);
        Assert.Equal(4, append.LastOffset);
        Assert.Equal(5, partition.Log.NextOffset);
        Assert.Equal(0, partition.Log.HighWatermark);
        Assert.Equal(first.Length + second.Length, partition.Log.PendingBytes);
        var pending = new List<TailEntry>();
        Assert.Equal(first.Length + second.Length, partition.Log.TakePending(SegmentLimits.MaxAppendBlockBytes, pending));
        Assert.Equal([(0L, 2L), (3L, 4L)], pending.Select(e => (e.BaseOffset, e.LastOffset)));
    }

    [Fact]
    public async Task Appended_batches_carry_their_assigned_offsets_and_epoch_in_their_bytes()
    {
        var partition = await new PartitionHarness().ActivateAsync();
        partition.Append(Batch(3));
        partition.Append(Batch(2));
        await partition.Committer.FlushAsync();

        var stored = await partition.ReadStoredAsync(3);
        var header = RecordBatchHeader.Read(stored);
        Assert.Equal(3, header.BaseOffset);
        Assert.Equal(4, header.LastOffset);
        Assert.Equal(partition.Manifest.Current.LeaderEpoch, header.PartitionLeaderEpoch);
        Assert.Equal(1, header.PartitionLeaderEpoch);
    }

    [Fact]
    public async Task A_retried_idempotent_batch_gets_its_original_offsets_and_is_not_appended_again()
    {
        var partition = await new PartitionHarness().ActivateAsync();
        partition.Append(Batch(2));
        var original = partition.Append(Batch(3, producerId: 7, baseSequence: 0));
        var pending = partition.Log.PendingBytes;

        var retry = partition.Append(Batch(3, producerId: 7, baseSequence: 0));

        Assert.Equal(2, original.BaseOffset);
        Assert.Equal(2, retry.BaseOffset);
        Assert.Equal([2L], retry.BatchOffsets!);
        Assert.Equal(4, retry.LastOffset);
        Assert.Equal(0, retry.AppendedBytes);
        Assert.Equal(5, partition.Log.NextOffset);
        Assert.Equal(pending, partition.Log.PendingBytes);
    }

    [Fact]
    public async Task A_sequence_gap_rejects_the_whole_append_and_appends_nothing()
    {
        var partition = await new PartitionHarness().ActivateAsync();
        partition.Append(Batch(2, producerId: 7, baseSequence: 0));
        var pending = partition.Log.PendingBytes;

        // The first batch is the next in sequence, the second skips sequences 4 and 5: neither may be appended.
        Assert.Throws<OutOfOrderSequenceException>(() => partition.Append(Batch(2, producerId: 7, baseSequence: 2), Batch(1, producerId: 7, baseSequence: 6)));

        Assert.Equal(2, partition.Log.NextOffset);
        Assert.Equal(pending, partition.Log.PendingBytes);
    }

    [Fact]
    public async Task Log_append_time_replaces_the_producers_timestamps()
    {
        var partition = await new PartitionHarness().ActivateAsync();
        using (var validated = ValidatedBatches.Validate(Batch(2, timestamp: 5), TopicConfig.Default.MaxMessageBytes, Key.Topic))
        {
            partition.Log.Append(validated, leaderEpoch: 1, logAppendTime: 1_234_567);
        }

        await partition.Committer.FlushAsync();

        var header = RecordBatchHeader.Read(await partition.ReadStoredAsync(0));
        Assert.Equal(TimestampType.LogAppendTime, header.TimestampType);
        Assert.Equal(1_234_567, header.MaxTimestamp);
        Assert.Equal(1_234_567, partition.Active.MaxTimestamp);
    }

    [Fact]
    public void Validation_parses_each_header_once_and_keeps_them_in_order()
    {
        var batches = Batch(3).Concat(Batch(1, producerId: 9, baseSequence: 4)).ToArray();

        using var validated = ValidatedBatches.Validate(batches, TopicConfig.Default.MaxMessageBytes, Key.Topic);

        Assert.Equal(2, validated.Count);
        Assert.Equal(3, validated.Headers[0].RecordCount);
        Assert.Equal(9, validated.Headers[1].ProducerId);
        Assert.Equal(4, validated.Headers[1].BaseSequence);
    }

    [Fact]
    public void A_corrupt_batch_after_a_good_one_rejects_the_whole_append()
    {
        var good = Batch(2);
        var corrupt = Batch(2);
        corrupt[^1] ^= 0xFF;

        var error = Assert.Throws<InvalidRecordException>(() => ValidatedBatches.Validate([.. good, .. corrupt], TopicConfig.Default.MaxMessageBytes, Key.Topic));

        Assert.Contains("CRC", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_truncated_batch_is_reported_as_truncated()
    {
        var batch = Batch(2);

        var error = Assert.Throws<InvalidRecordException>(() => ValidatedBatches.Validate(batch[..^3], TopicConfig.Default.MaxMessageBytes, Key.Topic));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_over_max_message_bytes_is_too_large()
    {
        var batch = Batch(20);

        var error = Assert.Throws<RecordTooLargeException>(() => ValidatedBatches.Validate(batch, maxMessageBytes: 100, Key.Topic));

        Assert.Contains("max.message.bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_transactional_batch_is_refused()
    {
        var batch = Batch(1);
        var attributes = BinaryPrimitives.ReadInt16BigEndian(batch.AsSpan(21));
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(21), (short)(attributes | 0x10));
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(17), RecordBatch.ComputeCrc(batch));

        var error = Assert.Throws<InvalidRecordException>(() => ValidatedBatches.Validate(batch, TopicConfig.Default.MaxMessageBytes, Key.Topic));

        Assert.Contains("Transactional", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_append_is_refused()
    {
        Assert.Throws<InvalidRecordException>(() => ValidatedBatches.Validate([], TopicConfig.Default.MaxMessageBytes, Key.Topic));
    }
}
