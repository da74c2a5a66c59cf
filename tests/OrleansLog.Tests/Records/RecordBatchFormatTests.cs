using System.Buffers.Binary;
using K4os.Hash.xxHash;
using OrleansLog.Errors;
using OrleansLog.Records;
using ErrorCode = OrleansLog.Errors.ErrorCode;
using Record = OrleansLog.Records.Record;

namespace OrleansLog.Tests.Records;

public sealed class RecordBatchFormatTests
{
    private const long Timestamp = 1_700_000_000_000; // 0x0000018BCFE56800

    // Written out by hand from the v2 format: two records, the second with a null key and a timestamp 5 ms later.
    private static readonly byte[] Record0 =
    [
        0x1C,             // length 14 (zig-zag 28)
        0x00,             // attributes
        0x00,             // timestamp delta 0
        0x00,             // offset delta 0
        0x04, 0x6B, 0x31, // key "k1"
        0x04, 0x76, 0x31, // value "v1"
        0x02,             // 1 header
        0x02, 0x68,       // header key "h"
        0x02, 0x01,       // header value [0x01]
    ];

    private static readonly byte[] Record1 =
    [
        0x12,             // length 9
        0x00,             // attributes
        0x0A,             // timestamp delta 5
        0x02,             // offset delta 1
        0x01,             // key null (-1)
        0x06, 0x61, 0x62, 0x63, // value "abc"
        0x00,             // no headers
    ];

    private static byte[] ExpectedBatch(uint crc)
    {
        byte[] header =
        [
            0, 0, 0, 0, 0, 0, 0, 0,                 // base offset 0
            0, 0, 0, 0x4A,                          // batch length 74 (86 - 12)
            0xFF, 0xFF, 0xFF, 0xFF,                 // partition leader epoch -1
            0x02,                                   // magic
            (byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc,
            0x00, 0x00,                             // attributes: no codec, create time
            0, 0, 0, 1,                             // last offset delta
            0, 0, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x00, // base timestamp
            0, 0, 0x01, 0x8B, 0xCF, 0xE5, 0x68, 0x05, // max timestamp
            0, 0, 0, 0, 0, 0, 0x03, 0xE8,           // producer id 1000
            0x00, 0x05,                             // producer epoch 5
            0, 0, 0, 7,                             // base sequence 7
            0, 0, 0, 2,                             // record count 2
        ];
        return [.. header, .. Record0, .. Record1];
    }

    private static byte[] BuildVectorBatch()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(Timestamp, "k1"u8.ToArray(), "v1"u8.ToArray(), [new RecordHeader("h", [0x01])]);
        builder.Append(Timestamp + 5, null, "abc"u8.ToArray());
        return builder.Build(producerId: 1000, producerEpoch: 5, baseSequence: 7);
    }

    [Fact]
    public void Built_batch_matches_the_hand_encoded_bytes_and_crc()
    {
        byte[] expectedWithoutCrc = ExpectedBatch(0);
        uint crc = RecordTestData.ReferenceCrc32C(expectedWithoutCrc.AsSpan(21));
        Assert.Equal(0xCF17B87Au, crc); // computed separately with a bitwise CRC-32C

        byte[] batch = BuildVectorBatch();

        Assert.Equal(ExpectedBatch(crc), batch);
        Assert.Equal(crc, RecordBatch.ComputeCrc(batch));
    }

    [Fact]
    public void Hand_encoded_batch_reads_back_every_field()
    {
        byte[] batch = ExpectedBatch(0);
        RecordTestData.FixCrc(batch);

        RecordBatchHeader header = RecordBatch.Validate(batch, 1 << 20, deep: true);
        Assert.Equal(0, header.BaseOffset);
        Assert.Equal(74, header.BatchLength);
        Assert.Equal(86, header.TotalSize);
        Assert.Equal(-1, header.PartitionLeaderEpoch);
        Assert.Equal(2, header.Magic);
        Assert.Equal(CompressionType.None, header.Compression);
        Assert.Equal(TimestampType.CreateTime, header.TimestampType);
        Assert.False(header.IsTransactional);
        Assert.False(header.IsControl);
        Assert.Equal(1, header.LastOffsetDelta);
        Assert.Equal(1, header.LastOffset);
        Assert.Equal(Timestamp, header.BaseTimestamp);
        Assert.Equal(Timestamp + 5, header.MaxTimestamp);
        Assert.Equal(1000, header.ProducerId);
        Assert.Equal(5, header.ProducerEpoch);
        Assert.Equal(7, header.BaseSequence);
        Assert.Equal(2, header.RecordCount);

        var records = new List<Record>();
        foreach (Record r in RecordBatchReader.ReadRecords(batch))
        {
            records.Add(r);
        }

        Assert.Equal(2, records.Count);
        Assert.Equal(0, records[0].Offset);
        Assert.Equal(Timestamp, records[0].Timestamp);
        Assert.Equal("k1"u8.ToArray(), records[0].Key.ToArray());
        Assert.Equal("v1"u8.ToArray(), records[0].Value.ToArray());
        RecordHeader single = Assert.Single(records[0].GetHeaders());
        Assert.Equal("h", single.Key);
        Assert.Equal(new byte[] { 1 }, single.Value);

        Assert.Equal(1, records[1].Offset);
        Assert.Equal(Timestamp + 5, records[1].Timestamp);
        Assert.True(records[1].IsKeyNull);
        Assert.False(records[1].IsValueNull);
        Assert.Equal("abc"u8.ToArray(), records[1].Value.ToArray());
        Assert.Equal(0, records[1].HeaderCount);
        Assert.Empty(records[1].GetHeaders());
    }

    [Fact]
    public void Span_append_with_null_flags_encodes_like_the_array_append()
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(Timestamp, "k1"u8, "v1"u8, [new RecordHeader("h", [0x01])]);
        builder.Append(Timestamp + 5, default, "abc"u8, keyIsNull: true);
        Assert.Equal(BuildVectorBatch().Length, builder.EstimatedSize);
        byte[] batch = builder.Build(producerId: 1000, producerEpoch: 5, baseSequence: 7);

        Assert.Equal(BuildVectorBatch(), batch);
    }

    [Fact]
    public void Lz4_batches_use_Kafkas_frame_settings_with_a_correct_header_checksum()
    {
        byte[] batch = RecordTestData.SmallBatch(CompressionType.Lz4);
        ReadOnlySpan<byte> frame = batch.AsSpan(RecordBatchHeader.Size);

        Assert.Equal(0x184D2204u, BinaryPrimitives.ReadUInt32LittleEndian(frame));
        Assert.Equal(0x60, frame[4]); // version 01, independent blocks, no checksums, no content size
        Assert.Equal(0x40, frame[5]); // 64 KiB blocks
        Assert.Equal((byte)(XXH32.DigestOf(frame.Slice(4, 2)) >> 8), frame[6]);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(frame[^4..])); // end mark, no content checksum
    }

    [Fact]
    public void Snappy_batches_use_the_xerial_framing_Kafka_writes()
    {
        byte[] batch = RecordTestData.SmallBatch(CompressionType.Snappy);
        byte[] expectedHeader = [0x82, (byte)'S', (byte)'N', (byte)'A', (byte)'P', (byte)'P', (byte)'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1];

        Assert.Equal(expectedHeader, batch.AsSpan(RecordBatchHeader.Size, 16).ToArray());
        int blockLength = BinaryPrimitives.ReadInt32BigEndian(batch.AsSpan(RecordBatchHeader.Size + 16));
        Assert.Equal(batch.Length - RecordBatchHeader.Size - 20, blockLength);
    }

    [Fact]
    public void Raw_snappy_records_without_xerial_framing_are_accepted()
    {
        byte[] xerial = RecordTestData.SmallBatch(CompressionType.None);
        byte[] raw = Snappier.Snappy.CompressToArray(xerial.AsSpan(RecordBatchHeader.Size));
        byte[] batch = [.. xerial.AsSpan(0, RecordBatchHeader.Size), .. raw];
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batch.Length - 12);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(21), (short)CompressionType.Snappy);
        RecordTestData.FixCrc(batch);

        RecordBatch.Validate(batch, 1 << 20, deep: true);
        int count = 0;
        foreach (Record r in RecordBatchReader.ReadRecords(batch))
        {
            Assert.Equal(500 + count, r.Offset);
            count++;
        }

        Assert.Equal(3, count);
    }

    [Theory]
    [InlineData(CompressionType.Gzip, new byte[] { 0x1F, 0x8B })]
    [InlineData(CompressionType.Zstd, new byte[] { 0x28, 0xB5, 0x2F, 0xFD })]
    public void Gzip_and_zstd_batches_hold_standard_streams(CompressionType codec, byte[] magic)
    {
        byte[] batch = RecordTestData.SmallBatch(codec);
        Assert.Equal(magic, batch.AsSpan(RecordBatchHeader.Size, magic.Length).ToArray());
        Assert.Equal(codec, RecordBatchHeader.Read(batch).Compression);
    }

    [Fact]
    public void Validate_rejects_offset_deltas_that_are_not_consecutive()
    {
        byte[] batch = ExpectedBatch(0);
        batch[RecordBatchHeader.Size + Record0.Length + 3] = 0x04; // record 1 offset delta 1 -> 2
        RecordTestData.FixCrc(batch);

        Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(batch, 1 << 20, deep: true));
        Assert.Throws<InvalidRecordException>(() => ReadAll(batch));
    }

    [Fact]
    public void Validate_rejects_a_last_offset_delta_that_disagrees_with_the_record_count()
    {
        byte[] batch = ExpectedBatch(0);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(23), 5);
        RecordTestData.FixCrc(batch);

        var ex = Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(batch, 1 << 20, deep: false));
        Assert.Contains("last offset delta", ex.Message);
    }

    [Fact]
    public void Validate_rejects_zero_records_and_unknown_codecs()
    {
        byte[] empty = ExpectedBatch(0);
        BinaryPrimitives.WriteInt32BigEndian(empty.AsSpan(57), 0);
        RecordTestData.FixCrc(empty);
        Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(empty, 1 << 20, deep: false));

        byte[] unknownCodec = ExpectedBatch(0);
        BinaryPrimitives.WriteInt16BigEndian(unknownCodec.AsSpan(21), 5);
        RecordTestData.FixCrc(unknownCodec);
        var ex = Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(unknownCodec, 1 << 20, deep: false));
        Assert.Contains("compression type 5", ex.Message);
        Assert.Throws<InvalidRecordException>(() => RecordBatchReader.ReadRecords(unknownCodec));
    }

    [Fact]
    public void Validate_rejects_a_record_count_that_disagrees_with_the_records()
    {
        byte[] batch = ExpectedBatch(0);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(57), 1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(23), 0);
        RecordTestData.FixCrc(batch);

        Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(batch, 1 << 20, deep: true));
        Assert.Throws<InvalidRecordException>(() => ReadAll(batch));
    }

    [Fact]
    public void Validate_rejects_a_batch_larger_than_max_message_bytes()
    {
        byte[] batch = BuildVectorBatch();

        var ex = Assert.Throws<RecordTooLargeException>(() => RecordBatch.Validate(batch, batch.Length - 1, deep: true));
        Assert.Equal(ErrorCode.MessageTooLarge, ex.ErrorCode);
        Assert.Contains(batch.Length.ToString(), ex.Message);
        Assert.Contains((batch.Length - 1).ToString(), ex.Message);
        Assert.Contains("max.message.bytes", ex.Message);
        RecordBatch.Validate(batch, batch.Length, deep: true);
    }

    [Theory]
    [MemberData(nameof(RecordTestData.Codecs), MemberType = typeof(RecordTestData))]
    public void SetLogAppendTime_keeps_the_crc_valid_and_stamps_every_record(CompressionType codec)
    {
        byte[] batch = RecordTestData.SmallBatch(codec);
        RecordBatch.SetLogAppendTime(batch, 123_456_789);

        RecordBatchHeader header = RecordBatch.Validate(batch, 1 << 20, deep: true);
        Assert.Equal(TimestampType.LogAppendTime, header.TimestampType);
        Assert.Equal(123_456_789, header.MaxTimestamp);
        Assert.Equal(codec, header.Compression);
        int count = 0;
        foreach (Record r in RecordBatchReader.ReadRecords(batch))
        {
            Assert.Equal(123_456_789, r.Timestamp);
            Assert.Equal(TimestampType.LogAppendTime, r.TimestampType);
            count++;
        }

        Assert.Equal(3, count);
    }

    [Fact]
    public void SetBaseOffset_and_leader_epoch_keep_the_batch_valid_and_move_the_offsets()
    {
        byte[] batch = RecordTestData.SmallBatch(CompressionType.None);
        uint crc = RecordBatchHeader.Read(batch).Crc;
        RecordBatch.SetBaseOffset(batch, 1_000_000_000_000);
        RecordBatch.SetPartitionLeaderEpoch(batch, 17);

        RecordBatchHeader header = RecordBatch.Validate(batch, 1 << 20, deep: true);
        Assert.Equal(crc, header.Crc);
        Assert.Equal(1_000_000_000_000, header.BaseOffset);
        Assert.Equal(1_000_000_000_002, header.LastOffset);
        Assert.Equal(17, header.PartitionLeaderEpoch);
        long expected = 1_000_000_000_000;
        foreach (Record r in RecordBatchReader.ReadRecords(batch))
        {
            Assert.Equal(expected++, r.Offset);
        }
    }

    [Fact]
    public void Building_an_empty_batch_throws_and_Build_resets_the_builder()
    {
        using var builder = new RecordBatchBuilder();
        Assert.Throws<InvalidOperationException>(() => builder.Build());

        builder.Append(1, "a"u8.ToArray(), "b"u8.ToArray());
        Assert.Equal(1, builder.RecordCount);
        builder.Build();
        Assert.Equal(0, builder.RecordCount);
        Assert.Equal(RecordBatchHeader.Size, builder.EstimatedSize);

        builder.Append(2, "c"u8.ToArray(), "d"u8.ToArray());
        builder.Reset();
        Assert.Throws<InvalidOperationException>(() => builder.Build());
    }

    private static int ReadAll(byte[] batch)
    {
        int count = 0;
        foreach (Record r in RecordBatchReader.ReadRecords(batch))
        {
            count++;
        }

        return count;
    }
}
