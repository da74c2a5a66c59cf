using OrleansLog.Errors;
using OrleansLog.Records;
using Record = OrleansLog.Records.Record;

namespace OrleansLog.Tests.Records;

public sealed class RecordBatchCorruptionTests
{
    [Theory]
    [MemberData(nameof(RecordTestData.Codecs), MemberType = typeof(RecordTestData))]
    public void Corrupting_any_byte_inside_the_crc_range_is_detected(CompressionType codec)
    {
        byte[] original = RecordTestData.SmallBatch(codec);
        for (int position = RecordBatchHeader.AttributesOffset; position < original.Length; position++)
        {
            foreach (byte flip in new byte[] { 0x01, 0x80, 0xFF })
            {
                byte[] batch = (byte[])original.Clone();
                batch[position] ^= flip;

                var ex = Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(batch, 1 << 20, deep: true));
                Assert.Contains("CRC", ex.Message);
                Assert.Throws<InvalidRecordException>(() => RecordBatchReader.ReadRecords(batch));
            }
        }
    }

    [Theory]
    [MemberData(nameof(RecordTestData.Codecs), MemberType = typeof(RecordTestData))]
    public void Corrupting_the_length_magic_or_crc_fields_is_detected(CompressionType codec)
    {
        byte[] original = RecordTestData.SmallBatch(codec);
        int[] positions = [8, 9, 10, 11, 16, 17, 18, 19, 20];
        foreach (int position in positions)
        {
            foreach (byte flip in new byte[] { 0x01, 0x80, 0xFF })
            {
                byte[] batch = (byte[])original.Clone();
                batch[position] ^= flip;

                Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(batch, 1 << 20, deep: true));
                Assert.Throws<InvalidRecordException>(() => RecordBatchReader.ReadRecords(batch));
            }
        }
    }

    [Theory]
    [MemberData(nameof(RecordTestData.Codecs), MemberType = typeof(RecordTestData))]
    public void Changing_the_base_offset_or_leader_epoch_bytes_does_not_break_parsing(CompressionType codec)
    {
        byte[] original = RecordTestData.SmallBatch(codec);
        int[] positions = [0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15];
        foreach (int position in positions)
        {
            byte[] batch = (byte[])original.Clone();
            batch[position] ^= 0x5A;

            RecordBatchHeader header = RecordBatch.Validate(batch, 1 << 20, deep: true);
            int count = 0;
            foreach (Record r in RecordBatchReader.ReadRecords(batch))
            {
                Assert.Equal(header.BaseOffset + count, r.Offset);
                count++;
            }

            Assert.Equal(3, count);
        }
    }

    [Theory]
    [MemberData(nameof(RecordTestData.Codecs), MemberType = typeof(RecordTestData))]
    public void Truncating_a_batch_at_any_length_is_rejected(CompressionType codec)
    {
        byte[] original = RecordTestData.SmallBatch(codec);
        for (int length = 0; length < original.Length; length++)
        {
            byte[] batch = original[..length];

            Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(batch, 1 << 20, deep: true));
            Assert.Throws<InvalidRecordException>(() => RecordBatchReader.ReadRecords(batch));
            Assert.False(RecordBatch.TryPeek(batch, out _));
            Assert.Equal(0, RecordBatch.CountCompleteBytes(batch));
        }
    }

    [Theory]
    [MemberData(nameof(RecordTestData.Codecs), MemberType = typeof(RecordTestData))]
    public void Garbage_records_behind_a_valid_crc_only_ever_raise_InvalidRecordException(CompressionType codec)
    {
        // The CRC is recomputed after each mutation so that the record parser and the decompressors see the garbage.
        var random = new Random(4321 + (int)codec);
        byte[] original = RecordTestData.Build(codec, RecordTestData.RandomRecords(random, 8, allowLarge: false));
        int accepted = 0;
        for (int iteration = 0; iteration < 1500; iteration++)
        {
            byte[] batch = (byte[])original.Clone();
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                int position = random.Next(RecordBatchHeader.Size, batch.Length);
                batch[position] = random.Next(3) switch
                {
                    0 => (byte)(batch[position] ^ (1 << random.Next(8))),
                    1 => (byte)random.Next(256),
                    _ => (byte)(random.Next(2) == 0 ? 0xFF : 0x00),
                };
            }

            RecordTestData.FixCrc(batch);
            accepted += ValidatesOrThrowsInvalidRecord(batch);
        }

        // Flips inside keys and values are legal data, so some mutated batches stay valid.
        Assert.InRange(accepted, 0, 1500);
    }

    [Theory]
    [MemberData(nameof(RecordTestData.Codecs), MemberType = typeof(RecordTestData))]
    public void Random_records_sections_behind_a_valid_header_only_ever_raise_InvalidRecordException(CompressionType codec)
    {
        var random = new Random(777 + (int)codec);
        byte[] template = RecordTestData.SmallBatch(codec);
        for (int iteration = 0; iteration < 500; iteration++)
        {
            byte[] body = new byte[random.Next(0, 200)];
            random.NextBytes(body);
            byte[] batch = [.. template.AsSpan(0, RecordBatchHeader.Size), .. body];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batch.Length - 12);
            RecordTestData.FixCrc(batch);

            ValidatesOrThrowsInvalidRecord(batch);
        }
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Records_that_inflate_beyond_the_limit_throw_InvalidRecordException(CompressionType codec)
    {
        using var builder = new RecordBatchBuilder(codec);
        builder.Append(1, null, new byte[2 * 1024 * 1024]);
        byte[] bomb = builder.Build();
        Assert.True(bomb.Length < 200_000, $"{codec} batch is {bomb.Length} bytes");

        const int limit = 1024 * 1024;
        var ex = Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(bomb, int.MaxValue, deep: true, maxDecompressedBytes: limit));
        Assert.Contains("limit", ex.Message);
        Assert.Throws<InvalidRecordException>(() => RecordBatchReader.ReadRecords(bomb, maxDecompressedBytes: limit));

        // Within the limit the same batch is fine.
        RecordBatch.Validate(bomb, int.MaxValue, deep: true, maxDecompressedBytes: 4 * limit);
    }

    [Fact]
    public void A_small_zstd_frame_that_expands_beyond_the_default_64_MiB_limit_is_rejected()
    {
        using var builder = new RecordBatchBuilder(CompressionType.Zstd);
        for (int i = 0; i < 5; i++)
        {
            builder.Append(i, null, new byte[16 * 1024 * 1024]);
        }

        byte[] bomb = builder.Build();
        Assert.True(bomb.Length < 100_000, $"zstd batch is {bomb.Length} bytes");
        Assert.Throws<InvalidRecordException>(() => RecordBatch.Validate(bomb, int.MaxValue, deep: true));
        Assert.Throws<InvalidRecordException>(() => RecordBatchReader.ReadRecords(bomb));
    }

    private static int ValidatesOrThrowsInvalidRecord(byte[] batch)
    {
        int ok = 1;
        try
        {
            RecordBatch.Validate(batch, 1 << 20, deep: true, maxDecompressedBytes: 1 << 20);
        }
        catch (InvalidRecordException)
        {
            ok = 0;
        }

        try
        {
            foreach (Record r in RecordBatchReader.ReadRecords(batch, maxDecompressedBytes: 1 << 20))
            {
                _ = r.GetHeaders();
            }
        }
        catch (InvalidRecordException)
        {
        }

        return ok;
    }
}
