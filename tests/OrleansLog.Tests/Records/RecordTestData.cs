using OrleansLog.Records;

namespace OrleansLog.Tests.Records;

/// <summary>Shared inputs for the record batch tests: a bitwise reference CRC-32C and a random record generator.</summary>
internal static class RecordTestData
{
    public static readonly CompressionType[] AllCodecs =
        [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

    public static TheoryData<CompressionType> Codecs()
    {
        var data = new TheoryData<CompressionType>();
        foreach (CompressionType codec in AllCodecs)
        {
            data.Add(codec);
        }

        return data;
    }

    /// <summary>CRC-32C bit by bit from the polynomial (reflected 0x82F63B78), independent of the code under test.</summary>
    public static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }

    public sealed record TestRecord(long Timestamp, byte[]? Key, byte[]? Value, RecordHeader[] Headers);

    public static List<TestRecord> RandomRecords(Random random, int count, bool allowLarge)
    {
        var records = new List<TestRecord>(count);
        long baseTimestamp = random.NextInt64(0, 4_000_000_000_000);
        for (int i = 0; i < count; i++)
        {
            // Timestamps may go backwards within a batch (negative deltas), as producers' clocks do.
            long timestamp = baseTimestamp + random.Next(-100_000, 100_000);
            var headers = new RecordHeader[random.Next(4) == 0 ? random.Next(1, 4) : 0];
            for (int h = 0; h < headers.Length; h++)
            {
                string key = random.Next(3) == 0 ? "ключ-" + h : "h" + random.Next(1000);
                headers[h] = new RecordHeader(key, random.Next(4) == 0 ? null : RandomBytes(random, random.Next(0, 20)));
            }

            records.Add(new TestRecord(timestamp, RandomKeyOrValue(random, allowLarge: false), RandomKeyOrValue(random, allowLarge), headers));
        }

        return records;
    }

    public static byte[] Build(CompressionType codec, IReadOnlyList<TestRecord> records, long baseOffset = 0)
    {
        using var builder = new RecordBatchBuilder(codec);
        foreach (TestRecord r in records)
        {
            builder.Append(r.Timestamp, r.Key, r.Value, r.Headers);
        }

        return builder.Build(baseOffset, producerId: 42, producerEpoch: 3, baseSequence: 100);
    }

    public static byte[] SmallBatch(CompressionType codec)
    {
        var records = new List<TestRecord>
        {
            new(1_000, "key-1"u8.ToArray(), "value one"u8.ToArray(), [new RecordHeader("h", [1, 2])]),
            new(1_001, null, "value two, a bit longer"u8.ToArray(), []),
            new(999, ""u8.ToArray(), null, [new RecordHeader("n", null)]),
        };
        return Build(codec, records, baseOffset: 500);
    }

    /// <summary>Rewrites the CRC so that a deliberately damaged batch passes the CRC check and reaches the record parser.</summary>
    public static void FixCrc(byte[] batch)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(17), ReferenceCrc32C(batch.AsSpan(21)));
    }

    private static byte[]? RandomKeyOrValue(Random random, bool allowLarge)
    {
        int kind = random.Next(10);
        if (kind == 0)
        {
            return null;
        }

        if (kind == 1)
        {
            return [];
        }

        if (allowLarge && kind == 2)
        {
            // Large and compressible: spans several LZ4 (64 KiB) and snappy (32 KiB) blocks.
            byte[] large = new byte[random.Next(70_000, 300_000)];
            for (int i = 0; i < large.Length; i++)
            {
                large[i] = (byte)(i % 251 < 200 ? 'x' : random.Next(256));
            }

            return large;
        }

        return RandomBytes(random, random.Next(1, 200));
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
