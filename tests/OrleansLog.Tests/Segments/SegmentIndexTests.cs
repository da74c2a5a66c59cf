using System.Buffers.Binary;
using OrleansLog.Errors;
using OrleansLog.Records;
using OrleansLog.Segments;

namespace OrleansLog.Tests.Segments;

public sealed class SegmentIndexTests
{
    private sealed record Batch(long BaseOffset, int Records, int Size, long MaxTimestamp, long Position);

    private static List<Batch> RandomBatches(Random random, int count, long baseOffset = 0)
    {
        var batches = new List<Batch>();
        long position = 0;
        long timestamp = 1_700_000_000_000;
        for (var i = 0; i < count; i++)
        {
            var records = random.Next(1, 10);
            var size = random.Next(61, 3000);
            timestamp += random.Next(-500, 1000); // timestamps are not monotonic in Kafka
            batches.Add(new Batch(baseOffset, records, size, timestamp, position));
            baseOffset += records;
            position += size;
        }

        return batches;
    }

    private static SegmentIndex Build(IEnumerable<Batch> batches, int interval)
    {
        var index = new SegmentIndex();
        foreach (var b in batches)
        {
            index.Add(b.BaseOffset, b.Size, b.MaxTimestamp, b.Position, interval);
        }

        return index;
    }

    private static SegmentIndex IndexOf(params IndexEntry[] entries)
    {
        // Build an index holding exactly these entries through its blob format.
        var bytes = new byte[8 + (entries.Length * 24) + 4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x4F4C4958);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            var span = bytes.AsSpan(8 + (i * 24));
            BinaryPrimitives.WriteInt64BigEndian(span, entries[i].Offset);
            BinaryPrimitives.WriteInt64BigEndian(span[8..], entries[i].Position);
            BinaryPrimitives.WriteInt64BigEndian(span[16..], entries[i].MaxTimestampBefore);
        }

        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        return SegmentIndex.Parse(bytes);
    }

    [Fact]
    public void An_empty_index_has_no_entries_and_finds_the_default_entry()
    {
        var index = new SegmentIndex();

        Assert.Empty(index.Entries);
        Assert.Equal(default, index.FindOffset(42));
        Assert.Equal(default, index.FindTimestamp(42));
    }

    [Fact]
    public void The_first_batch_always_gets_an_entry_then_one_per_interval_of_bytes()
    {
        var index = new SegmentIndex();
        // interval 100, batches of 40 bytes: entries at batches 0, 3, 6 (after 120 bytes each time).
        for (var i = 0; i < 8; i++)
        {
            index.Add(baseOffset: 1000 + (i * 10), size: 40, maxTimestamp: 500 + i, position: i * 40, indexIntervalBytes: 100);
        }

        Assert.Equal(
            [new IndexEntry(1000, 0, -1), new IndexEntry(1030, 120, 502), new IndexEntry(1060, 240, 505)],
            index.Entries);
    }

    [Fact]
    public void A_batch_as_large_as_the_interval_is_followed_by_an_entry()
    {
        var index = new SegmentIndex();
        index.Add(0, 4096, 10, 0, 4096);
        index.Add(5, 1, 20, 4096, 4096);
        index.Add(6, 1, 30, 4097, 4096);

        Assert.Equal([new IndexEntry(0, 0, -1), new IndexEntry(5, 4096, 10)], index.Entries);
    }

    [Fact]
    public void An_interval_of_zero_indexes_every_batch()
    {
        var batches = RandomBatches(new Random(5), 50);

        var index = Build(batches, 0);

        Assert.Equal(batches.Select(b => b.BaseOffset), index.Entries.Select(e => e.Offset));
        Assert.Equal(batches.Select(b => b.Position), index.Entries.Select(e => e.Position));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 4096)]
    [InlineData(4, 10_000)]
    [InlineData(5, int.MaxValue)]
    public void Entries_match_a_model_of_the_interval_rule_for_random_batches(int seed, int interval)
    {
        var batches = RandomBatches(new Random(seed), 300, baseOffset: seed * 1000L);

        var index = Build(batches, interval);

        var expected = new List<IndexEntry>();
        long since = 0;
        long maxBefore = -1;
        foreach (var b in batches)
        {
            if (expected.Count == 0 || since >= interval)
            {
                expected.Add(new IndexEntry(b.BaseOffset, b.Position, maxBefore));
                since = 0;
            }

            since += b.Size;
            maxBefore = Math.Max(maxBefore, b.MaxTimestamp);
        }

        Assert.Equal(expected, index.Entries);
        Assert.Equal(batches[0].BaseOffset, index.Entries[0].Offset);
        for (var i = 1; i < index.Entries.Count; i++)
        {
            // Consecutive entries lie at least one interval apart, and no more than an interval plus one batch.
            var gap = index.Entries[i].Position - index.Entries[i - 1].Position;
            Assert.True(gap >= interval, $"gap {gap} < interval {interval}");
            Assert.True(gap < (long)interval + 3000, $"gap {gap} too wide for interval {interval}");
        }
    }

    [Fact]
    public void FindOffset_returns_the_last_entry_at_or_before_the_offset_and_the_first_for_earlier_offsets()
    {
        var index = IndexOf(new IndexEntry(100, 0, -1), new IndexEntry(150, 4100, 7), new IndexEntry(210, 8300, 9));

        Assert.Equal(100, index.FindOffset(long.MinValue).Offset);
        Assert.Equal(100, index.FindOffset(0).Offset);      // before the first entry
        Assert.Equal(100, index.FindOffset(99).Offset);
        Assert.Equal(100, index.FindOffset(100).Offset);    // exact
        Assert.Equal(100, index.FindOffset(149).Offset);    // between
        Assert.Equal(new IndexEntry(150, 4100, 7), index.FindOffset(150));
        Assert.Equal(150, index.FindOffset(209).Offset);
        Assert.Equal(new IndexEntry(210, 8300, 9), index.FindOffset(210));
        Assert.Equal(210, index.FindOffset(long.MaxValue).Offset);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public void FindOffset_points_at_or_before_the_batch_holding_the_offset_for_random_segments(int seed)
    {
        var random = new Random(seed);
        var batches = RandomBatches(random, 200, baseOffset: 5000);
        var index = Build(batches, 4096);
        var lastOffset = batches[^1].BaseOffset + batches[^1].Records - 1;

        for (var offset = batches[0].BaseOffset; offset <= lastOffset; offset++)
        {
            var found = index.FindOffset(offset);
            var holder = batches.Last(b => b.BaseOffset <= offset);
            var expected = index.Entries.Last(e => e.Offset <= offset);

            Assert.Equal(expected, found);
            Assert.True(found.Position <= holder.Position);
            // Scanning from the entry never crosses another entry before reaching the batch.
            Assert.DoesNotContain(index.Entries, e => e.Position > found.Position && e.Position <= holder.Position);
        }
    }

    [Fact]
    public void FindTimestamp_returns_the_last_entry_whose_preceding_batches_are_all_older()
    {
        var index = IndexOf(
            new IndexEntry(0, 0, -1),
            new IndexEntry(10, 100, 10),
            new IndexEntry(20, 200, 20),
            new IndexEntry(30, 300, 20),
            new IndexEntry(40, 400, 35));

        Assert.Equal(0, index.FindTimestamp(long.MinValue).Offset);
        Assert.Equal(0, index.FindTimestamp(-1).Offset);
        Assert.Equal(0, index.FindTimestamp(0).Offset);
        Assert.Equal(0, index.FindTimestamp(10).Offset);  // a batch before entry 10 may hold timestamp 10
        Assert.Equal(10, index.FindTimestamp(11).Offset);
        Assert.Equal(10, index.FindTimestamp(20).Offset);
        Assert.Equal(30, index.FindTimestamp(21).Offset); // the last of the entries with 20 before them
        Assert.Equal(30, index.FindTimestamp(35).Offset);
        Assert.Equal(40, index.FindTimestamp(36).Offset);
        Assert.Equal(40, index.FindTimestamp(long.MaxValue).Offset);
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    [InlineData(23)]
    public void FindTimestamp_never_skips_the_first_batch_at_or_after_the_time_for_random_segments(int seed)
    {
        var random = new Random(seed);
        var batches = RandomBatches(random, 300);
        var index = Build(batches, 2048);
        var min = batches.Min(b => b.MaxTimestamp);
        var max = batches.Max(b => b.MaxTimestamp);

        for (var t = min - 10; t <= max + 10; t += random.Next(1, 50))
        {
            var found = index.FindTimestamp(t);
            var target = batches.FirstOrDefault(b => b.MaxTimestamp >= t);

            // No batch before the entry reaches t, so the scan from it finds the first one that does.
            Assert.DoesNotContain(batches, b => b.Position < found.Position && b.MaxTimestamp >= t);
            if (target is not null)
            {
                Assert.True(found.Position <= target.Position);
                // And it is the latest such entry: the next entry already has a batch at or after t behind it.
                var next = index.Entries.FirstOrDefault(e => e.Position > found.Position);
                if (next != default)
                {
                    Assert.True(next.MaxTimestampBefore >= t);
                    Assert.True(target.Position < next.Position);
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(250)]
    public void ToBytes_and_Parse_round_trip_every_entry(int batchCount)
    {
        var batches = RandomBatches(new Random(batchCount + 100), batchCount, baseOffset: long.MaxValue / 2);
        var index = Build(batches, 1024);

        var bytes = index.ToBytes();
        var parsed = SegmentIndex.Parse(bytes);

        Assert.Equal(8 + (24 * index.Entries.Count) + 4, bytes.Length);
        Assert.Equal(index.Entries, parsed.Entries);
        Assert.Equal(bytes, parsed.ToBytes());
    }

    [Fact]
    public void ToBytes_writes_magic_count_big_endian_entries_and_a_crc32c()
    {
        var index = IndexOf(new IndexEntry(0x0102030405060708, 0x1112131415161718, -1));

        var bytes = index.ToBytes();

        Assert.Equal(36, bytes.Length);
        Assert.Equal("OLIX"u8.ToArray(), bytes[..4]);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, bytes[4..8]);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, bytes[8..16]);
        Assert.Equal(new byte[] { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 }, bytes[16..24]);
        Assert.Equal(Enumerable.Repeat((byte)0xFF, 8).ToArray(), bytes[24..32]);
        Assert.Equal(Crc32C.Compute(bytes.AsSpan(0, 32)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(32)));
    }

    [Fact]
    public void An_empty_index_serializes_to_twelve_bytes_and_parses_back_empty()
    {
        var bytes = new SegmentIndex().ToBytes();

        Assert.Equal(12, bytes.Length);
        Assert.Empty(SegmentIndex.Parse(bytes).Entries);
    }

    [Fact]
    public void Parse_rejects_a_bad_magic()
    {
        var bytes = Build(RandomBatches(new Random(1), 10), 0).ToBytes();
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x4F4C4959);
        // Keep the CRC right so only the magic is wrong.
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));

        var ex = Assert.Throws<InvalidRecordException>(() => SegmentIndex.Parse(bytes));
        Assert.Contains("magic", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(11)]
    public void Parse_rejects_blobs_too_short_for_a_header_and_crc(int length)
    {
        var bytes = new SegmentIndex().ToBytes()[..length];

        Assert.Throws<InvalidRecordException>(() => SegmentIndex.Parse(bytes));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(-24)]
    [InlineData(24)]
    public void Parse_rejects_a_length_that_does_not_fit_the_entry_count(int delta)
    {
        var original = Build(RandomBatches(new Random(2), 20), 0).ToBytes();
        var bytes = new byte[original.Length + delta];
        original.AsSpan(0, Math.Min(original.Length, bytes.Length) - 4).CopyTo(bytes);
        // A valid CRC over the new length, so the length check is what catches it.
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));

        var ex = Assert.Throws<InvalidRecordException>(() => SegmentIndex.Parse(bytes));
        Assert.Contains("entry count 20", ex.Message);
    }

    [Fact]
    public void Parse_rejects_a_negative_entry_count()
    {
        var bytes = new SegmentIndex().ToBytes();
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), -1);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), Crc32C.Compute(bytes.AsSpan(0, 8)));

        Assert.Throws<InvalidRecordException>(() => SegmentIndex.Parse(bytes));
    }

    [Fact]
    public void Parse_rejects_a_flipped_bit_or_byte_anywhere_in_the_blob()
    {
        var original = Build(RandomBatches(new Random(3), 12), 0).ToBytes();
        for (var position = 0; position < original.Length; position++)
        {
            foreach (byte flip in new byte[] { 0x01, 0x80, 0xFF })
            {
                var bytes = (byte[])original.Clone();
                bytes[position] ^= flip;

                var ex = Assert.Throws<InvalidRecordException>(() => SegmentIndex.Parse(bytes));
                Assert.Equal(OrleansLog.Errors.ErrorCode.CorruptMessage, ex.ErrorCode);
            }
        }
    }
}
