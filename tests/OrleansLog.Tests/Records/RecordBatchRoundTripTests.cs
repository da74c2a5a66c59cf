using OrleansLog.Records;
using Record = OrleansLog.Records.Record;

namespace OrleansLog.Tests.Records;

public sealed class RecordBatchRoundTripTests
{
    [Theory]
    [MemberData(nameof(RecordTestData.Codecs), MemberType = typeof(RecordTestData))]
    public void Random_records_round_trip_through_build_validate_and_read(CompressionType codec)
    {
        var random = new Random(1234 + (int)codec);
        for (int iteration = 0; iteration < 60; iteration++)
        {
            List<RecordTestData.TestRecord> expected = RecordTestData.RandomRecords(random, random.Next(1, 40), allowLarge: iteration % 10 == 0);
            long baseOffset = random.NextInt64(0, 1L << 50);
            byte[] batch = RecordTestData.Build(codec, expected, baseOffset);

            RecordBatchHeader header = RecordBatch.Validate(batch, int.MaxValue, deep: true);
            Assert.Equal(codec, header.Compression);
            Assert.Equal(expected.Count, header.RecordCount);
            Assert.Equal(baseOffset + expected.Count - 1, header.LastOffset);
            Assert.Equal(expected[0].Timestamp, header.BaseTimestamp);
            Assert.Equal(expected.Max(r => r.Timestamp), header.MaxTimestamp);
            Assert.Equal(42, header.ProducerId);
            Assert.Equal(3, header.ProducerEpoch);
            Assert.Equal(100, header.BaseSequence);

            int i = 0;
            foreach (Record actual in RecordBatchReader.ReadRecords(batch))
            {
                RecordTestData.TestRecord e = expected[i];
                Assert.Equal(baseOffset + i, actual.Offset);
                Assert.Equal(e.Timestamp, actual.Timestamp);
                Assert.Equal(TimestampType.CreateTime, actual.TimestampType);
                Assert.Equal(e.Key is null, actual.IsKeyNull);
                Assert.Equal(e.Key ?? [], actual.Key.ToArray());
                Assert.Equal(e.Value is null, actual.IsValueNull);
                Assert.Equal(e.Value ?? [], actual.Value.ToArray());
                Assert.Equal(e.Headers.Length, actual.HeaderCount);
                RecordHeader[] headers = actual.GetHeaders();
                Assert.Equal(e.Headers.Length, headers.Length);
                for (int h = 0; h < headers.Length; h++)
                {
                    Assert.Equal(e.Headers[h].Key, headers[h].Key);
                    Assert.Equal(e.Headers[h].Value, headers[h].Value);
                }

                i++;
            }

            Assert.Equal(expected.Count, i);
        }
    }

    [Theory]
    [MemberData(nameof(RecordTestData.Codecs), MemberType = typeof(RecordTestData))]
    public void One_builder_builds_many_batches_with_independent_contents(CompressionType codec)
    {
        var random = new Random(99);
        using var builder = new RecordBatchBuilder(codec, initialCapacity: 64);
        for (int n = 1; n <= 20; n++)
        {
            for (int i = 0; i < n; i++)
            {
                builder.Append(n * 1000 + i, BitConverter.GetBytes(n), BitConverter.GetBytes(i));
            }

            byte[] batch = builder.Build(baseOffset: n * 100);
            RecordBatchHeader header = RecordBatch.Validate(batch, int.MaxValue, deep: true);
            Assert.Equal(n, header.RecordCount);
            Assert.Equal(n * 1000, header.BaseTimestamp);
            int i2 = 0;
            foreach (Record r in RecordBatchReader.ReadRecords(batch))
            {
                Assert.Equal(n * 100 + i2, r.Offset);
                Assert.Equal(n, BitConverter.ToInt32(r.Key.Span));
                Assert.Equal(i2, BitConverter.ToInt32(r.Value.Span));
                i2++;
            }

            Assert.Equal(n, i2);
        }
    }

    [Fact]
    public void Sequence_splits_concatenated_batches_and_skips_an_incomplete_tail()
    {
        var random = new Random(3);
        var batches = new List<byte[]>();
        foreach (CompressionType codec in RecordTestData.AllCodecs)
        {
            batches.Add(RecordTestData.Build(codec, RecordTestData.RandomRecords(random, 5, allowLarge: false)));
        }

        byte[] all = [.. batches.SelectMany(b => b)];
        int completeBytes = all.Length;
        byte[] withTail = [.. all, .. batches[1].AsSpan(0, batches[1].Length - 1)];

        var seen = new List<byte[]>();
        foreach (ReadOnlyMemory<byte> batch in new RecordBatchSequence(withTail))
        {
            seen.Add(batch.ToArray());
        }

        Assert.Equal(batches.Count, seen.Count);
        for (int i = 0; i < batches.Count; i++)
        {
            Assert.Equal(batches[i], seen[i]);
        }

        Assert.Equal(completeBytes, RecordBatchSequence.CountCompleteBytes(withTail));
        Assert.Equal(completeBytes, RecordBatch.CountCompleteBytes(all));
        Assert.Equal(0, RecordBatch.CountCompleteBytes(all.AsSpan(0, 11)));
        Assert.Equal(batches[0].Length, RecordBatch.CountCompleteBytes(all.AsSpan(0, batches[0].Length + 20)));
    }

    [Fact]
    public void TryPeek_reads_the_first_header_and_rejects_a_length_below_the_header()
    {
        byte[] batch = RecordTestData.SmallBatch(CompressionType.Lz4);
        Assert.True(RecordBatch.TryPeek(batch, out RecordBatchHeader header));
        Assert.Equal(batch.Length, header.TotalSize);
        Assert.Equal(500, header.BaseOffset);

        Assert.False(RecordBatch.TryPeek(batch.AsSpan(0, 11), out _));
        Assert.False(RecordBatch.TryPeek(batch.AsSpan(0, 60), out _));

        byte[] bad = (byte[])batch.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bad.AsSpan(8), 48);
        Assert.Throws<OrleansLog.Errors.InvalidRecordException>(() => RecordBatch.TryPeek(bad, out _));
    }
}
