using System.Text;
using OrleansLog.Errors;
using OrleansLog.Records;

namespace OrleansLog.Tests.Compaction;

public sealed class RecordBatchFilterTests
{
    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Keeping_some_records_rewrites_the_batch_with_their_offsets_timestamps_and_the_producer_fields_unchanged(CompressionType codec)
    {
        var batch = Batch(codec, baseOffset: 100, ("a", "1"), ("b", "2"), ("a", "3"), ("c", null), ("b", "5"));
        var keep = new KeepOffsets(101, 103);
        using var output = new PooledByteBuffer(0);

        Assert.Equal(BatchFilterResult.KeptSome, RecordBatchFilter.Filter(batch, ref keep, output));

        var rewritten = output.ToArray();
        var records = RecordBatchReader.ReadRecords(rewritten); // checks the new CRC
        Assert.Equal(2, records.Count);
        Assert.Equal(codec, records.Header.Compression);
        Assert.Equal((100L, 4, 9L, (short)2, 40), (records.Header.BaseOffset, records.Header.LastOffsetDelta, records.Header.ProducerId, records.Header.ProducerEpoch, records.Header.BaseSequence));
        var kept = new List<(long, long, string, string?)>();
        foreach (var record in records)
        {
            kept.Add((record.Offset, record.Timestamp, Encoding.UTF8.GetString(record.Key.Span), record.IsValueNull ? null : Encoding.UTF8.GetString(record.Value.Span)));
        }

        Assert.Equal([(101L, 1_001L, "b", "2"), (103L, 1_003L, "c", null)], kept);
    }

    [Fact]
    public void Keeping_every_record_or_none_writes_nothing()
    {
        var batch = Batch(CompressionType.None, baseOffset: 0, ("a", "1"), ("b", "2"));
        using var output = new PooledByteBuffer(0);
        var all = new KeepOffsets(0, 1);
        var none = new KeepOffsets();

        Assert.Equal(BatchFilterResult.KeptAll, RecordBatchFilter.Filter(batch, ref all, output));
        Assert.Equal(BatchFilterResult.KeptNone, RecordBatchFilter.Filter(batch, ref none, output));
        Assert.Equal(0, output.Length);
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Zstd)]
    public void Stamping_a_delete_horizon_sets_the_flag_and_base_timestamp_and_keeps_every_record_timestamp(CompressionType codec)
    {
        var batch = Batch(codec, baseOffset: 10, ("a", null), ("b", "2"));
        var all = new KeepOffsets(10, 11);
        using var output = new PooledByteBuffer(0);

        Assert.Equal(BatchFilterResult.KeptSome, RecordBatchFilter.Filter(batch, ref all, output, deleteHorizonMs: 90_000));

        var records = RecordBatchReader.ReadRecords(output.ToArray());
        Assert.True(records.Header.HasDeleteHorizon);
        Assert.Equal((90_000L, 1_001L), (records.Header.BaseTimestamp, records.Header.MaxTimestamp));
        var timestamps = new List<(long, long, bool)>();
        foreach (var record in records)
        {
            timestamps.Add((record.Offset, record.Timestamp, record.IsValueNull));
        }

        Assert.Equal([(10L, 1_000L, true), (11L, 1_001L, false)], timestamps);
    }

    [Fact]
    public void A_corrupt_batch_is_refused_before_any_record_is_judged()
    {
        var batch = Batch(CompressionType.None, baseOffset: 0, ("a", "1"));
        batch[^1] ^= 0xFF;
        using var output = new PooledByteBuffer(0);
        var keep = new KeepOffsets();

        Assert.Throws<InvalidRecordException>(() => RecordBatchFilter.Filter(batch, ref keep, output));
    }

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Lz4)]
    public void The_first_record_without_a_key_is_found_in_plain_and_compressed_batches(CompressionType codec)
    {
        using var builder = new RecordBatchBuilder(codec);
        builder.Append(1, Encoding.UTF8.GetBytes("k"), new byte[] { 1 });
        builder.Append(2, key: null, value: new byte[] { 2 });
        var keyless = builder.Build();

        Assert.Equal(1, RecordBatchFilter.FindRecordWithoutKey(keyless));
        Assert.Equal(-1, RecordBatchFilter.FindRecordWithoutKey(Batch(codec, 0, ("a", "1"), ("b", null))));
    }

    internal static byte[] Batch(CompressionType codec, long baseOffset, params (string Key, string? Value)[] records)
    {
        using var builder = new RecordBatchBuilder(codec);
        for (var i = 0; i < records.Length; i++)
        {
            builder.Append(1_000 + i, Encoding.UTF8.GetBytes(records[i].Key), records[i].Value is { } value ? Encoding.UTF8.GetBytes(value) : null);
        }

        return builder.Build(baseOffset, producerId: 9, producerEpoch: 2, baseSequence: 40);
    }

    private readonly struct KeepOffsets(params long[] offsets) : IRecordRetention
    {
        public bool Keep(long offset, ReadOnlySpan<byte> key, bool keyIsNull, bool isTombstone) => offsets.Contains(offset);
    }
}
