using System.Text;
using Microsoft.Extensions.Options;
using OrleansLog.Compaction;
using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Tests.Partitions;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Compaction;

/// <summary>The log cleaner over a partition's real segments (the partition harness on the in-memory store).</summary>
public sealed class LogCompactorTests
{
    private static readonly CompactionLimiter Unlimited = new(Options.Create(new PartitionOptions { CompactionBytesPerSecond = 0 }), TimeProvider.System);

    private static readonly TopicConfig Compacted = TopicConfig.Default with { CleanupPolicy = CleanupPolicy.Compact };

    [Fact]
    public async Task Keyed_updates_compact_to_the_newest_record_per_key_with_their_offsets_and_reads_skip_the_gaps()
    {
        var harness = new PartitionHarness { Config = Compacted };
        var partition = await WriteSegmentsAsync(harness, [("a", "1"), ("b", "1"), ("c", "1")], [("a", "2"), ("b", "2")], [("c", "3"), ("a", "3")]);

        var result = await CompactAsync(harness, partition);

        Assert.NotNull(result);
        Assert.Equal([(4L, "b", "2"), (5L, "c", "3"), (6L, "a", "3")], await ReadAllAsync(partition));
        var segment = Assert.Single(partition.Manifest.Current.Segments);
        Assert.Equal((0L, 6L, 1), (segment.BaseOffset, segment.LastOffset, segment.Generation));
        Assert.Equal(7, partition.Manifest.Current.CleanedUpTo);
        Assert.True(result.BytesReclaimed > 0);

        // A fetch at any offset of the compacted range starts at the next record that survived.
        Assert.Equal(4, FirstRecordOffset(await partition.ReadStoredAsync(0)));
        Assert.Equal(4, FirstRecordOffset(await partition.ReadStoredAsync(3), from: 3));
        Assert.Equal(6, FirstRecordOffset(await partition.ReadStoredAsync(6), from: 6));

        // The replaced blobs are gone; the new one is named by its generation.
        var blobs = await harness.Store.ListAsync(SegmentPaths.PartitionPrefix(PartitionHarness.Key.TopicId, 0), default);
        Assert.Contains(SegmentPaths.Log(PartitionHarness.Key.TopicId, 0, segment), blobs);
        Assert.DoesNotContain(SegmentPaths.Log(PartitionHarness.Key.TopicId, 0, 3), blobs);
    }

    [Fact]
    public async Task A_delete_marker_stays_for_delete_retention_ms_after_the_compaction_that_first_kept_it_and_goes_at_the_next_one_after()
    {
        var harness = new PartitionHarness { Config = Compacted with { DeleteRetentionMs = 60_000 } };
        var partition = await WriteSegmentsAsync(harness, [("a", "1"), ("b", "1")], [("a", null), ("c", "1")]);

        await CompactAsync(harness, partition);
        Assert.Equal([(1L, "b", "1"), (2L, "a", null), (3L, "c", "1")], await ReadAllAsync(partition));

        harness.Time.Advance(TimeSpan.FromSeconds(59));
        await AppendSegmentAsync(partition, ("d", "1"));
        await CompactAsync(harness, partition);
        Assert.Equal([(1L, "b", "1"), (2L, "a", null), (3L, "c", "1"), (4L, "d", "1")], await ReadAllAsync(partition));

        harness.Time.Advance(TimeSpan.FromSeconds(2));
        await AppendSegmentAsync(partition, ("e", "1"));
        await CompactAsync(harness, partition);
        Assert.Equal([(1L, "b", "1"), (3L, "c", "1"), (4L, "d", "1"), (5L, "e", "1")], await ReadAllAsync(partition));
    }

    [Fact]
    public async Task A_key_map_too_small_for_the_partition_compacts_in_several_passes_to_the_same_log_as_one_pass()
    {
        var rounds = Enumerable.Range(0, 3)
            .Select(round => Enumerable.Range(0, 30).Select(key => ($"key-{key}", (string?)$"{round}")).ToArray())
            .ToArray();
        var whole = new PartitionHarness { Config = Compacted };
        var oneMap = await WriteSegmentsAsync(whole, rounds);
        var small = new PartitionHarness { Config = Compacted };
        var smallMaps = await WriteSegmentsAsync(small, rounds);

        await CompactAsync(whole, oneMap);
        var passes = 0;
        while (await CompactAsync(small, smallMaps, mapMemoryBytes: OffsetMap.BytesPerSlot * 12) is not null)
        {
            passes++;
        }

        Assert.True(passes >= 9, $"a map of 10 keys needs 9 passes over 90 records of 30 keys; took {passes}");
        var expected = Enumerable.Range(0, 30).Select(key => (60L + key, $"key-{key}", (string?)"2")).ToList();
        Assert.Equal(expected, await ReadAllAsync(oneMap));
        Assert.Equal(expected, await ReadAllAsync(smallMaps));
        Assert.Equal(90, smallMaps.Manifest.Current.CleanedUpTo);
    }

    [Fact]
    public async Task Small_segments_are_merged_up_to_segment_bytes_and_still_cover_every_offset_in_order()
    {
        var harness = new PartitionHarness { Config = Compacted with { SegmentBytes = 1024 } };
        var segments = Enumerable.Range(0, 12).Select(s => Enumerable.Range(0, 4).Select(r => ($"k{(s * 4) + r}", (string?)"v")).ToArray()).ToArray();
        var partition = await WriteSegmentsAsync(harness, segments);
        var before = partition.Manifest.Current.Segments.Count;

        var result = await CompactAsync(harness, partition);

        var after = partition.Manifest.Current.Segments;
        Assert.Equal(12, before);
        Assert.True(after.Count < before, $"{before} segments of about 300 bytes should merge into fewer of at most 1024; got {after.Count}");
        Assert.Equal(12, result!.Replaced.Count);
        Assert.Equal(0, after[0].BaseOffset);
        for (var i = 1; i < after.Count; i++)
        {
            Assert.Equal(after[i - 1].LastOffset + 1, after[i].BaseOffset);
        }

        Assert.Equal(Enumerable.Range(0, 48).Select(i => ((long)i, $"k{i}", (string?)"v")), await ReadAllAsync(partition));
    }

    [Fact]
    public async Task A_segment_that_loses_every_record_disappears_and_reads_of_its_offsets_go_on_at_the_next_survivor()
    {
        // Values of 400 bytes: no two of these segments fit in one of segment.bytes, so none is merged with another.
        var harness = new PartitionHarness { Config = Compacted with { SegmentBytes = 1024 } };
        static string V(string value) => value.PadRight(400, '.');
        var partition = await WriteSegmentsAsync(harness, [("a", V("1")), ("b", V("1"))], [("a", V("2")), ("b", V("2"))], [("c", V("1"))]);

        await CompactAsync(harness, partition);

        Assert.Equal([(2L, "a", V("2")), (3L, "b", V("2")), (4L, "c", V("1"))], await ReadAllAsync(partition));
        Assert.Equal([2L, 4L], partition.Manifest.Current.Segments.Select(s => s.BaseOffset));
        Assert.Equal(2, FirstRecordOffset(await partition.ReadStoredAsync(0)));
        Assert.Equal(0, partition.Manifest.Current.LogStartOffset);
    }

    [Fact]
    public async Task An_idempotent_producer_continues_after_compaction_without_a_duplicate_or_a_false_sequence_error()
    {
        var harness = new PartitionHarness { Config = Compacted };
        var partition = await harness.ActivateAsync();
        partition.Append(Keyed(7, 0, ("a", "1"), ("b", "1")));
        partition.Append(Keyed(7, 2, ("a", "2")));
        await partition.Committer.FlushAsync();
        await partition.Committer.SealAsync();
        await CompactAsync(harness, partition);
        Assert.Equal([(1L, "b", "1"), (2L, "a", "2")], await ReadAllAsync(partition));

        var next = await harness.ActivateAsync();
        var retry = next.Append(Keyed(7, 2, ("a", "2")));
        var more = next.Append(Keyed(7, 3, ("b", "2")));

        Assert.Equal([2L], retry.BatchOffsets!);
        Assert.Equal(0, retry.AppendedBytes);
        Assert.Equal(3, more.BaseOffset);
    }

    [Fact]
    public async Task A_pass_that_stops_before_its_manifest_switch_leaves_the_old_log_whole_and_the_next_pass_writes_over_its_blobs()
    {
        var harness = new PartitionHarness { Config = Compacted };
        var partition = await WriteSegmentsAsync(harness, [("a", "1"), ("b", "1")], [("a", "2")]);
        var request = Request(harness, partition);

        var abandoned = await new LogCompactor(harness.Store, Unlimited).CompactAsync(request, default);

        var written = Assert.Single(abandoned!.Written);
        Assert.NotNull(await harness.Store.GetPropertiesAsync(SegmentPaths.Log(PartitionHarness.Key.TopicId, 0, written), default));
        var recovered = await harness.ActivateAsync();
        Assert.Equal([(0L, "a", "1"), (1L, "b", "1"), (2L, "a", "2")], await ReadAllAsync(recovered));

        await CompactAsync(harness, recovered);
        Assert.Equal([(1L, "b", "1"), (2L, "a", "2")], await ReadAllAsync(recovered));
    }

    [Fact]
    public async Task Records_without_a_key_from_before_the_topic_compacted_are_dropped()
    {
        var harness = new PartitionHarness();
        var partition = await harness.ActivateAsync();
        partition.Append(PartitionHarness.Batch(2));
        partition.Append(Keyed(-1, -1, ("a", "1")));
        await partition.Committer.FlushAsync();
        await partition.Committer.SealAsync();
        partition.Append(Keyed(-1, -1, ("b", "1")));
        await partition.Committer.FlushAsync();
        await partition.Committer.SealAsync();

        harness.Config = Compacted;
        await CompactAsync(harness, partition);

        Assert.Equal([(2L, "a", "1"), (3L, "b", "1")], await ReadAllAsync(partition));
        Assert.Equal(2, FirstRecordOffset(await partition.ReadStoredAsync(0)));
    }

    private static async Task<PartitionHarness.Activation> WriteSegmentsAsync(PartitionHarness harness, params (string Key, string? Value)[][] segments)
    {
        var partition = await harness.ActivateAsync();
        foreach (var segment in segments)
        {
            await AppendSegmentAsync(partition, segment);
        }

        return partition;
    }

    // Each record its own batch, all flushed, then the segment sealed.
    private static async Task AppendSegmentAsync(PartitionHarness.Activation partition, params (string Key, string? Value)[] records)
    {
        foreach (var record in records)
        {
            partition.Append(Keyed(-1, -1, record));
        }

        await partition.Committer.FlushAsync();
        await partition.Committer.SealAsync();
    }

    private static CompactionRequest Request(PartitionHarness harness, PartitionHarness.Activation partition, long mapMemoryBytes = 1024 * 1024)
    {
        var manifest = partition.Manifest.Current;
        var now = harness.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var end = CompactionSchedule.DueEnd(manifest.Segments, manifest.CleanedUpTo, harness.Config with { MinCleanableDirtyRatio = 0 }, now);
        return new CompactionRequest(PartitionHarness.Key.TopicId, 0, manifest.Segments.ToArray(), manifest.CleanedUpTo, end, harness.Config, now, mapMemoryBytes);
    }

    // One pass and its manifest switch, as the partition grain does them.
    private static async Task<CompactionResult?> CompactAsync(PartitionHarness harness, PartitionHarness.Activation partition, long mapMemoryBytes = 1024 * 1024)
    {
        var request = Request(harness, partition, mapMemoryBytes);
        if (request.EndOffset < 0)
        {
            return null;
        }

        var compactor = new LogCompactor(harness.Store, Unlimited);
        var result = await compactor.CompactAsync(request, default);
        if (result is null)
        {
            return null;
        }

        var switched = false;
        await partition.Manifest.UpdateAsync(m => switched = m.TrySwitchTo(result, request.NowMs));
        Assert.True(switched);
        foreach (var segment in result.Obsolete)
        {
            await harness.Store.DeleteSegmentAsync(request.TopicId, request.Partition, segment, default);
        }

        return result;
    }

    private static byte[] Keyed(long producerId, int baseSequence, params (string Key, string? Value)[] records)
    {
        using var builder = new RecordBatchBuilder();
        foreach (var (key, value) in records)
        {
            builder.Append(1_000, Encoding.UTF8.GetBytes(key), value is null ? null : Encoding.UTF8.GetBytes(value));
        }

        return builder.Build(producerId: producerId, producerEpoch: (short)(producerId < 0 ? -1 : 0), baseSequence: baseSequence);
    }

    // Reads the partition's stored log from its start as a consumer does: from each batch's end to the next.
    private static async Task<List<(long Offset, string Key, string? Value)>> ReadAllAsync(PartitionHarness.Activation partition)
    {
        var records = new List<(long, string, string?)>();
        var offset = partition.Manifest.Current.LogStartOffset;
        while (offset < partition.Log.HighWatermark)
        {
            var bytes = await partition.ReadStoredAsync(offset);
            Assert.NotEmpty(bytes);
            foreach (var batch in new RecordBatchSequence(bytes))
            {
                var read = RecordBatchReader.ReadRecords(batch);
                foreach (var record in read)
                {
                    if (record.Offset >= offset)
                    {
                        records.Add((record.Offset, record.IsKeyNull ? "" : Encoding.UTF8.GetString(record.Key.Span), record.IsValueNull ? null : Encoding.UTF8.GetString(record.Value.Span)));
                    }
                }

                offset = read.Header.LastOffset + 1;
            }
        }

        return records;
    }

    private static long FirstRecordOffset(byte[] fetched, long from = 0)
    {
        foreach (var batch in new RecordBatchSequence(fetched))
        {
            foreach (var record in RecordBatchReader.ReadRecords(batch))
            {
                if (record.Offset >= from)
                {
                    return record.Offset;
                }
            }
        }

        return -1;
    }
}
