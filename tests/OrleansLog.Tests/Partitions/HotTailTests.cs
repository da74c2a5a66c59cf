using OrleansLog.Partitions;

namespace OrleansLog.Tests.Partitions;

public sealed class HotTailTests
{
    // Batches of `records` offsets each, every one in its own array filled with a recognisable byte.
    private static HotTail TailOf(params (int Records, int Size)[] batches)
    {
        var tail = new HotTail();
        long next = 0;
        byte fill = 1;
        foreach (var (records, size) in batches)
        {
            tail.Append(Entry(next, records, Filled(size, fill++)));
            next += records;
        }

        return tail;
    }

    private static TailEntry Entry(long baseOffset, int records, ReadOnlyMemory<byte> batch, long maxTimestamp = 0) =>
        new(baseOffset, baseOffset + records - 1, maxTimestamp, batch);

    private static byte[] Filled(int size, byte value)
    {
        var bytes = new byte[size];
        Array.Fill(bytes, value);
        return bytes;
    }

    private static byte[] Concat(IEnumerable<ReadOnlyMemory<byte>> chunks) => chunks.SelectMany(c => c.ToArray()).ToArray();

    [Fact]
    public void An_empty_tail_holds_nothing_and_collects_nothing()
    {
        var tail = new HotTail();
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.Equal(0, tail.Count);
        Assert.Equal(0, tail.Bytes);
        Assert.Equal(-1, tail.FirstOffset);
        Assert.False(tail.Contains(0));
        Assert.Equal(-1, tail.IndexOf(0));
        Assert.Equal(0, tail.Collect(0, long.MaxValue, int.MaxValue, chunks));
        Assert.Empty(chunks);
        Assert.Equal(0, tail.TrimTo(0, long.MaxValue));
        Assert.Equal(0, tail.TrimBefore(long.MaxValue));
        Assert.Equal(0, tail.Clear());
    }

    [Fact]
    public void Append_keeps_batches_in_order_and_counts_their_bytes()
    {
        var tail = new HotTail();
        tail.Append(Entry(100, 5, new byte[10], maxTimestamp: 7));
        tail.Append(Entry(105, 1, new byte[20], maxTimestamp: 9));
        tail.Append(Entry(106, 3, new byte[30], maxTimestamp: 8));

        Assert.Equal(3, tail.Count);
        Assert.Equal(60, tail.Bytes);
        Assert.Equal(100, tail.FirstOffset);
        Assert.Equal((100L, 104L, 7L, 10), (tail.At(0).BaseOffset, tail.At(0).LastOffset, tail.At(0).MaxTimestamp, tail.At(0).Batch.Length));
        Assert.Equal((105L, 105L, 9L, 20), (tail.At(1).BaseOffset, tail.At(1).LastOffset, tail.At(1).MaxTimestamp, tail.At(1).Batch.Length));
        Assert.Equal((106L, 108L, 8L, 30), (tail.At(2).BaseOffset, tail.At(2).LastOffset, tail.At(2).MaxTimestamp, tail.At(2).Batch.Length));
    }

    [Fact]
    public void Contains_and_IndexOf_cover_every_offset_of_every_batch_and_nothing_outside()
    {
        var tail = new HotTail();
        tail.Append(Entry(10, 5, new byte[1]));  // 10..14
        tail.Append(Entry(15, 1, new byte[1]));  // 15
        tail.Append(Entry(16, 4, new byte[1]));  // 16..19

        int[] expected = [0, 0, 0, 0, 0, 1, 2, 2, 2, 2];
        for (long offset = 10; offset < 20; offset++)
        {
            Assert.True(tail.Contains(offset));
            Assert.Equal(expected[offset - 10], tail.IndexOf(offset));
        }

        foreach (long outside in new long[] { long.MinValue, -1, 0, 9, 20, 21, long.MaxValue })
        {
            Assert.False(tail.Contains(outside));
            Assert.Equal(-1, tail.IndexOf(outside));
        }
    }

    [Fact]
    public void Collect_at_an_offset_inside_a_batch_returns_that_whole_batch_and_what_follows()
    {
        var tail = TailOf((5, 10), (5, 20), (5, 30)); // offsets 0..4, 5..9, 10..14
        for (long offset = 5; offset <= 9; offset++)
        {
            var chunks = new List<ReadOnlyMemory<byte>>();
            var bytes = tail.Collect(offset, endOffset: 15, maxBytes: int.MaxValue, chunks);

            Assert.Equal(50, bytes);
            Assert.Equal(2, chunks.Count);
            Assert.Equal(Filled(20, 2), chunks[0].ToArray());
            Assert.Equal(Filled(30, 3), chunks[1].ToArray());
        }
    }

    [Fact]
    public void Collect_returns_nothing_for_an_offset_the_tail_does_not_hold()
    {
        var tail = new HotTail();
        tail.Append(Entry(100, 10, new byte[50]));
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.Equal(0, tail.Collect(99, long.MaxValue, int.MaxValue, chunks));
        Assert.Equal(0, tail.Collect(110, long.MaxValue, int.MaxValue, chunks));
        Assert.Empty(chunks);
    }

    [Theory]
    [InlineData(15, 3, 60)] // every batch ends before 15
    [InlineData(14, 2, 30)] // the last batch holds 14: left out
    [InlineData(10, 2, 30)]
    [InlineData(9, 1, 10)]  // the second batch holds 9: left out
    [InlineData(5, 1, 10)]
    [InlineData(4, 0, 0)]   // the end falls inside the first batch: nothing, not even the first batch
    [InlineData(0, 0, 0)]
    public void Collect_stops_before_the_first_batch_reaching_endOffset(long endOffset, int expectedBatches, int expectedBytes)
    {
        var tail = TailOf((5, 10), (5, 20), (5, 30));
        var chunks = new List<ReadOnlyMemory<byte>>();

        var bytes = tail.Collect(0, endOffset, int.MaxValue, chunks);

        Assert.Equal(expectedBytes, bytes);
        Assert.Equal(expectedBatches, chunks.Count);
        Assert.Equal(expectedBytes, chunks.Sum(c => c.Length));
    }

    [Theory]
    [InlineData(1, 1, 100)]       // the first batch is always taken, even past maxBytes
    [InlineData(99, 1, 100)]
    [InlineData(100, 1, 100)]
    [InlineData(199, 1, 100)]
    [InlineData(200, 2, 200)]     // exactly maxBytes is allowed
    [InlineData(299, 2, 200)]
    [InlineData(400, 4, 400)]
    [InlineData(int.MaxValue, 4, 400)]
    public void Collect_stops_before_maxBytes_but_always_returns_the_first_batch(int maxBytes, int expectedBatches, int expectedBytes)
    {
        var tail = TailOf((1, 100), (1, 100), (1, 100), (1, 100));
        var chunks = new List<ReadOnlyMemory<byte>>();

        var bytes = tail.Collect(0, long.MaxValue, maxBytes, chunks);

        Assert.Equal(expectedBytes, bytes);
        Assert.Equal(expectedBatches, chunks.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            Assert.Equal(Filled(100, (byte)(i + 1)), chunks[i].ToArray());
        }
    }

    [Fact]
    public void Collect_takes_an_oversized_first_batch_and_nothing_after_it()
    {
        var tail = TailOf((1, 500), (1, 1));
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.Equal(500, tail.Collect(0, long.MaxValue, maxBytes: 100, chunks));
        Assert.Single(chunks);
        Assert.Equal(500, chunks[0].Length);
    }

    [Fact]
    public void Collect_merges_adjacent_slices_of_one_array_into_one_chunk()
    {
        var buffer = new byte[60];
        new Random(1).NextBytes(buffer);
        var tail = new HotTail();
        tail.Append(Entry(0, 2, buffer.AsMemory(0, 10)));
        tail.Append(Entry(2, 3, buffer.AsMemory(10, 20)));
        tail.Append(Entry(5, 1, buffer.AsMemory(30, 30)));
        var chunks = new List<ReadOnlyMemory<byte>>();

        var bytes = tail.Collect(0, long.MaxValue, int.MaxValue, chunks);

        Assert.Equal(60, bytes);
        var chunk = Assert.Single(chunks);
        Assert.Equal(buffer, chunk.ToArray());
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(chunk, out var segment));
        Assert.Same(buffer, segment.Array);
        Assert.Equal(0, segment.Offset);
    }

    [Fact]
    public void Collect_merges_only_the_slices_that_touch()
    {
        var shared = new byte[100];
        new Random(2).NextBytes(shared);
        var other = Filled(5, 0xEE);
        var tail = new HotTail();
        tail.Append(Entry(0, 1, shared.AsMemory(0, 10)));   // a
        tail.Append(Entry(1, 1, shared.AsMemory(10, 10)));  // b: touches a -> merged
        tail.Append(Entry(2, 1, shared.AsMemory(25, 10)));  // c: gap of 5 after b -> new chunk
        tail.Append(Entry(3, 1, shared.AsMemory(35, 5)));   // d: touches c -> merged
        tail.Append(Entry(4, 1, other));                    // e: another array -> new chunk
        tail.Append(Entry(5, 1, shared.AsMemory(40, 10)));  // f: follows d in `shared`, but e sits between -> new chunk
        var chunks = new List<ReadOnlyMemory<byte>>();

        var bytes = tail.Collect(0, long.MaxValue, int.MaxValue, chunks);

        Assert.Equal(50, bytes);
        Assert.Equal([20, 15, 5, 10], chunks.Select(c => c.Length).ToArray());
        Assert.Equal(shared[..20], chunks[0].ToArray());
        Assert.Equal(shared[25..40], chunks[1].ToArray());
        Assert.Equal(other, chunks[2].ToArray());
        Assert.Equal(shared[40..50], chunks[3].ToArray());
    }

    [Fact]
    public void Collect_does_not_merge_a_slice_that_precedes_the_previous_one_in_the_array()
    {
        var shared = new byte[20];
        new Random(3).NextBytes(shared);
        var tail = new HotTail();
        tail.Append(Entry(0, 1, shared.AsMemory(10, 10)));
        tail.Append(Entry(1, 1, shared.AsMemory(0, 10)));
        var chunks = new List<ReadOnlyMemory<byte>>();

        Assert.Equal(20, tail.Collect(0, long.MaxValue, int.MaxValue, chunks));
        Assert.Equal(2, chunks.Count);
        Assert.Equal(shared[10..], chunks[0].ToArray());
        Assert.Equal(shared[..10], chunks[1].ToArray());
    }

    [Fact]
    public void TrimTo_drops_the_oldest_batches_until_the_tail_fits()
    {
        var tail = TailOf((1, 100), (1, 100), (1, 100), (1, 100));

        var freed = tail.TrimTo(maxBytes: 250, durableEnd: long.MaxValue);

        Assert.Equal(200, freed);
        Assert.Equal(2, tail.Count);
        Assert.Equal(200, tail.Bytes);
        Assert.Equal(2, tail.FirstOffset);
        Assert.Equal(0, tail.TrimTo(maxBytes: 200, durableEnd: long.MaxValue));
        Assert.Equal(2, tail.Count);
    }

    [Theory]
    [InlineData(0, 0, 4)]  // nothing durable: nothing dropped
    [InlineData(1, 0, 4)]  // batch 0 (offsets 0..1) is not wholly durable: kept
    [InlineData(2, 1, 3)]  // batch 0 is durable
    [InlineData(3, 1, 3)]  // batch 1 (offsets 2..3) is not wholly durable: kept
    [InlineData(4, 2, 2)]
    [InlineData(8, 4, 0)]
    public void TrimTo_never_drops_a_batch_at_or_after_durableEnd(long durableEnd, int expectedDropped, int expectedLeft)
    {
        var tail = TailOf((2, 100), (2, 100), (2, 100), (2, 100)); // 0..1, 2..3, 4..5, 6..7

        var freed = tail.TrimTo(maxBytes: 0, durableEnd: durableEnd);

        Assert.Equal(expectedDropped * 100, freed);
        Assert.Equal(expectedLeft, tail.Count);
        Assert.Equal(expectedLeft * 100, tail.Bytes);
        Assert.Equal(expectedLeft == 0 ? -1 : expectedDropped * 2, tail.FirstOffset);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(4, 0, 0)]   // 4 lies in batch 0 (0..4): kept
    [InlineData(5, 1, 5)]
    [InlineData(9, 1, 5)]
    [InlineData(10, 2, 10)]
    [InlineData(15, 3, -1)]
    [InlineData(1000, 3, -1)]
    public void TrimBefore_drops_only_batches_wholly_before_the_log_start(long logStartOffset, int expectedDropped, long expectedFirst)
    {
        var tail = TailOf((5, 10), (5, 20), (5, 30));
        int[] sizes = [10, 20, 30];

        var freed = tail.TrimBefore(logStartOffset);

        Assert.Equal(sizes.Take(expectedDropped).Sum(), freed);
        Assert.Equal(3 - expectedDropped, tail.Count);
        Assert.Equal(sizes.Skip(expectedDropped).Sum(), tail.Bytes);
        Assert.Equal(expectedFirst, tail.FirstOffset);
    }

    [Fact]
    public void Clear_empties_the_tail_returns_its_bytes_and_allows_new_appends()
    {
        var tail = TailOf((3, 11), (3, 22), (3, 33));

        Assert.Equal(66, tail.Clear());
        Assert.Equal(0, tail.Count);
        Assert.Equal(0, tail.Bytes);
        Assert.Equal(-1, tail.FirstOffset);
        Assert.False(tail.Contains(0));

        tail.Append(Entry(500, 2, Filled(7, 9)));
        Assert.Equal(1, tail.Count);
        Assert.Equal(7, tail.Bytes);
        Assert.Equal(500, tail.FirstOffset);
        Assert.Equal(0, tail.IndexOf(501));
    }

    [Fact]
    public void Growing_past_64_entries_after_the_ring_wrapped_keeps_offset_order()
    {
        var tail = new HotTail();
        long next = 0;
        for (var i = 0; i < 60; i++)
        {
            tail.Append(Entry(next, 2, new byte[i + 1]));
            next += 2;
        }

        tail.TrimBefore(80); // drops 40 batches: the head moves to slot 40
        for (var i = 0; i < 200; i++)
        {
            tail.Append(Entry(next, 2, new byte[1]));
            next += 2;
        }

        Assert.Equal(220, tail.Count);
        Assert.Equal(80, tail.FirstOffset);
        for (var i = 0; i < tail.Count; i++)
        {
            Assert.Equal(80 + (2L * i), tail.At(i).BaseOffset);
            Assert.Equal(i, tail.IndexOf(81 + (2L * i)));
        }

        Assert.Equal(Enumerable.Range(41, 20).Sum() + 200, tail.Bytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Random_append_and_trim_sequences_match_a_list_model(int seed)
    {
        var random = new Random(seed);
        var tail = new HotTail();
        var model = new List<TailEntry>();
        long next = random.Next(0, 1000);
        byte[]? shared = null;
        var sharedUsed = 0;

        for (var step = 0; step < 2000; step++)
        {
            var op = random.Next(100);
            if (op < 70)
            {
                var records = random.Next(1, 6);
                var size = random.Next(1, 200);
                ReadOnlyMemory<byte> batch;
                if (random.Next(3) == 0)
                {
                    // Batches that arrive together share one array, back to back.
                    if (shared is null || sharedUsed + size > shared.Length || random.Next(4) == 0)
                    {
                        shared = new byte[1024];
                        random.NextBytes(shared);
                        sharedUsed = 0;
                    }

                    batch = shared.AsMemory(sharedUsed, size);
                    sharedUsed += size;
                }
                else
                {
                    var bytes = new byte[size];
                    random.NextBytes(bytes);
                    batch = bytes;
                    shared = null;
                }

                var entry = Entry(next, records, batch, maxTimestamp: random.Next());
                next += records;
                tail.Append(entry);
                model.Add(entry);
            }
            else if (op < 85)
            {
                var maxBytes = random.Next(0, (int)Math.Max(1, model.Sum(e => (long)e.Batch.Length)) + 1);
                var durableEnd = model.Count == 0 ? next : random.NextInt64(model[0].BaseOffset, next + 2);
                long expected = 0;
                while (model.Count > 0 && model.Sum(e => (long)e.Batch.Length) > maxBytes && model[0].LastOffset < durableEnd)
                {
                    expected += model[0].Batch.Length;
                    model.RemoveAt(0);
                }

                Assert.Equal(expected, tail.TrimTo(maxBytes, durableEnd));
                Assert.True(tail.Bytes <= maxBytes || tail.Count == 0 || tail.At(0).LastOffset >= durableEnd);
            }
            else if (op < 98)
            {
                var logStart = model.Count == 0 ? next : random.NextInt64(model[0].BaseOffset, model[^1].LastOffset + 2);
                long expected = 0;
                while (model.Count > 0 && model[0].LastOffset < logStart)
                {
                    expected += model[0].Batch.Length;
                    model.RemoveAt(0);
                }

                Assert.Equal(expected, tail.TrimBefore(logStart));
            }
            else
            {
                Assert.Equal(model.Sum(e => (long)e.Batch.Length), tail.Clear());
                model.Clear();
            }

            AssertMatches(model, tail);
            if (model.Count > 0)
            {
                var offset = random.NextInt64(model[0].BaseOffset - 2, model[^1].LastOffset + 3);
                var endOffset = random.NextInt64(offset, model[^1].LastOffset + 3);
                var maxBytes = random.Next(0, 600);
                AssertCollectMatches(model, tail, offset, endOffset, maxBytes);
            }
        }
    }

    private static void AssertMatches(List<TailEntry> model, HotTail tail)
    {
        Assert.Equal(model.Count, tail.Count);
        Assert.Equal(model.Sum(e => (long)e.Batch.Length), tail.Bytes);
        Assert.Equal(model.Count == 0 ? -1 : model[0].BaseOffset, tail.FirstOffset);
        for (var i = 0; i < model.Count; i++)
        {
            Assert.Equal(model[i], tail.At(i));
        }
    }

    private static void AssertCollectMatches(List<TailEntry> model, HotTail tail, long offset, long endOffset, int maxBytes)
    {
        var index = model.FindIndex(e => e.BaseOffset <= offset && offset <= e.LastOffset);
        Assert.Equal(index, tail.IndexOf(offset));
        Assert.Equal(index >= 0, tail.Contains(offset));

        var expected = new List<byte>();
        var expectedTotal = 0;
        for (var i = Math.Max(index, 0); index >= 0 && i < model.Count; i++)
        {
            var entry = model[i];
            if (entry.LastOffset >= endOffset || (expectedTotal > 0 && expectedTotal + entry.Batch.Length > maxBytes))
            {
                break;
            }

            expected.AddRange(entry.Batch.ToArray());
            expectedTotal += entry.Batch.Length;
        }

        var chunks = new List<ReadOnlyMemory<byte>>();
        Assert.Equal(expectedTotal, tail.Collect(offset, endOffset, maxBytes, chunks));
        Assert.Equal(expected.ToArray(), Concat(chunks));
        if (expectedTotal > 0)
        {
            Assert.True(expectedTotal <= maxBytes || chunks.Count == 1);
        }
    }
}
