using OrleansLog.Errors;
using OrleansLog.Partitions;

namespace OrleansLog.Tests.Partitions;

public sealed class ProducerStateTableTests
{
    [Fact]
    public void Only_the_last_five_batches_are_recognised_as_duplicates()
    {
        var table = new ProducerStateTable();
        for (var i = 0; i < 7; i++)
        {
            table.Record(1, 0, new ProducerBatchEntry(i * 2, (i * 2) + 1, i * 10, (i * 10) + 1));
        }

        Assert.True(table.IsDuplicate(1, 0, 12, 13, null, out var newest));
        Assert.Equal(60, newest.BaseOffset);
        Assert.True(table.IsDuplicate(1, 0, 4, 5, null, out var oldestKept));
        Assert.Equal(20, oldestKept.BaseOffset);
        Assert.Throws<OutOfOrderSequenceException>(() => table.IsDuplicate(1, 0, 2, 3, null, out _));
        Assert.False(table.IsDuplicate(1, 0, 14, 14, null, out _));
    }

    [Fact]
    public void A_preceding_batch_of_the_same_request_sets_the_expected_sequence()
    {
        var table = new ProducerStateTable();
        table.Record(1, 0, new ProducerBatchEntry(0, 4, 0, 4));

        Assert.False(table.IsDuplicate(1, 0, 10, 12, new ProducerBatchEntry(5, 9, -1, -1), out _));
        Assert.Throws<OutOfOrderSequenceException>(() => table.IsDuplicate(1, 0, 11, 12, new ProducerBatchEntry(5, 9, -1, -1), out _));
    }

    [Fact]
    public void A_sequence_beyond_the_expected_one_reports_missing_batches_and_an_old_one_does_not()
    {
        var missing = new List<(long Producer, int Expected, int Received)>();
        var table = new ProducerStateTable { SequencesMissing = (producer, expected, received) => missing.Add((producer, expected, received)) };
        table.Record(7, 0, new ProducerBatchEntry(0, 128, 0, 128));
        for (var i = 1; i <= 5; i++)
        {
            table.Record(7, 0, new ProducerBatchEntry(128 + i, 128 + i, 128 + i, 128 + i));
        }

        Assert.Throws<OutOfOrderSequenceException>(() => table.IsDuplicate(7, 0, 1141, 1150, null, out _));
        Assert.Throws<OutOfOrderSequenceException>(() => table.IsDuplicate(7, 0, 100, 100, null, out _));
        Assert.Throws<OutOfOrderSequenceException>(() => table.IsDuplicate(7, 0, 140, 141, new ProducerBatchEntry(134, 138, -1, -1), out _));

        Assert.Equal([(7L, 134, 1141)], missing);
    }

    [Fact]
    public void An_unknown_producer_may_start_at_any_sequence()
    {
        Assert.False(new ProducerStateTable().IsDuplicate(42, 3, 1000, 1004, null, out _));
    }

    [Fact]
    public void A_snapshot_keeps_only_batches_below_the_durable_end_and_restores_them()
    {
        var table = new ProducerStateTable();
        table.Record(1, 0, new ProducerBatchEntry(0, 1, 0, 1));
        table.Record(1, 0, new ProducerBatchEntry(2, 3, 2, 3));
        table.Record(2, 5, new ProducerBatchEntry(0, 0, 4, 4));

        var snapshot = table.Snapshot(endOffset: 3);
        var restored = new ProducerStateTable();
        restored.Restore(snapshot);

        Assert.Equal(1, restored.Count);
        Assert.True(restored.IsDuplicate(1, 0, 0, 1, null, out _));
        Assert.False(restored.IsDuplicate(1, 0, 2, 3, null, out _)); // not durable at the snapshot: it must be written again
    }

    [Fact]
    public void Recording_a_batch_twice_changes_nothing()
    {
        var table = new ProducerStateTable();
        var batch = new ProducerBatchEntry(0, 1, 0, 1);
        table.Record(1, 0, batch);
        table.Record(1, 0, batch);

        Assert.False(table.IsDuplicate(1, 0, 2, 2, null, out _));
        Assert.Single(table.Snapshot(long.MaxValue).Single().Batches);
    }
}
