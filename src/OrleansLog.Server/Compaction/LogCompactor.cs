using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Compaction;

/// <summary>What one compaction pass is asked to do.</summary>
/// <param name="TopicId">The topic incarnation, for blob names.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Segments">The partition's sealed segments, oldest first, as its manifest lists them now.</param>
/// <param name="CleanedUpTo">Where the previous pass stopped: records from here on were not compared with newer records of their key.</param>
/// <param name="EndOffset">The end (exclusive) of what may be compacted: nothing at or after it is touched (see <see cref="CompactionSchedule.DueEnd"/>).</param>
/// <param name="Config">The topic's configuration (segment.bytes, delete.retention.ms, index.interval.bytes).</param>
/// <param name="NowMs">The time the pass counts delete.retention.ms against.</param>
/// <param name="MapMemoryBytes">The memory the key map may take.</param>
internal sealed record CompactionRequest(
    Guid TopicId, int Partition, IReadOnlyList<SegmentInfo> Segments, long CleanedUpTo, long EndOffset, TopicConfig Config, long NowMs, long MapMemoryBytes);

/// <summary>What a compaction pass wrote: the manifest replaces its first <see cref="Replaced"/> segments with <see cref="Replacement"/>.</summary>
/// <param name="Replaced">The sealed segments the pass read and rewrote, a prefix of the request's segments.</param>
/// <param name="Replacement">What takes their place, in order: new segments (a higher generation) and any old one that lost nothing.</param>
/// <param name="CleanedUpTo">The new cleaner checkpoint: records before it have been compared with every newer record of their key up to it.</param>
/// <param name="BytesRead">Bytes of segments read (both passes over the dirty part).</param>
/// <param name="BytesWritten">Bytes of new segments written.</param>
/// <param name="MapKeys">The distinct keys the pass's key map took.</param>
/// <param name="MapBytes">The memory the pass's key map took.</param>
internal sealed record CompactionResult(
    IReadOnlyList<SegmentInfo> Replaced, IReadOnlyList<SegmentInfo> Replacement, long CleanedUpTo, long BytesRead, long BytesWritten, int MapKeys, long MapBytes)
{
    /// <summary>The bytes the replaced segments held beyond their replacement.</summary>
    public long BytesReclaimed => Replaced.Sum(s => s.SizeBytes) - Replacement.Sum(s => s.SizeBytes);

    /// <summary>The segments of <see cref="Replacement"/> that are new blobs (not kept from <see cref="Replaced"/>).</summary>
    public IEnumerable<SegmentInfo> Written => Replacement.Where(s => !Replaced.Contains(s));

    /// <summary>The segments of <see cref="Replaced"/> whose blobs are no longer needed once the manifest switched.</summary>
    public IEnumerable<SegmentInfo> Obsolete => Replaced.Where(s => !Replacement.Contains(s));
}

/// <summary>
/// Kafka's log cleaner for one partition, over a segment store: it keeps the newest record of every key and drops the others,
/// with offsets unchanged. First it maps each key of the dirty part (from <see cref="CompactionRequest.CleanedUpTo"/>) to its
/// newest offset in an <see cref="OffsetMap"/> of bounded memory; when the map fills, the pass stops there and the rest waits
/// for the next pass. Then it rewrites every sealed segment up to where the map reached, merging neighbours up to
/// <c>segment.bytes</c>, into new blobs of a higher generation, keeping a record when no newer record of its key is mapped.
/// </summary>
/// <remarks>
/// A delete marker (null value) that is the newest of its key stays until <c>delete.retention.ms</c> after the first pass that kept it
/// (which stamps that time into its batch, as Kafka's KIP-534 does);
/// records without a key (possible only from before the topic compacted) are dropped, as Kafka's cleaner drops them. A segment
/// left with nothing disappears; offsets in such gaps are served by the next batch that survived. The last batch of the last
/// rewritten segment is always kept (as it was, if every record of it would go), so the sealed log still ends at the offset
/// before the active segment and a fetch anywhere below it finds a batch. Batches keep their producer id, epoch and sequences.
/// The new blobs are only written here; the caller switches the manifest to them in one conditional write, or deletes them.
/// </remarks>
internal sealed class LogCompactor(ISegmentStore store, CompactionLimiter limiter)
{
    private const int ReadChunkBytes = 1024 * 1024;

    /// <summary>Runs one pass; null when there was nothing to do.</summary>
    public async Task<CompactionResult?> CompactAsync(CompactionRequest request, CancellationToken cancellationToken)
    {
        var reader = new SegmentReader(store, ReadChunkBytes);
        var (map, mapEnd, mapRead) = await BuildMapAsync(reader, request, cancellationToken).ConfigureAwait(false);
        if (mapEnd <= request.CleanedUpTo)
        {
            return null;
        }

        var replaced = request.Segments.TakeWhile(s => s.BaseOffset < mapEnd).ToList();
        var replacement = new List<SegmentInfo>();
        long read = mapRead, written = 0;
        var groups = GroupBySize(replaced, request.Config.SegmentBytes).ToList();
        for (var i = 0; i < groups.Count; i++)
        {
            var group = groups[i];
            var (rewritten, groupRead) = await RewriteAsync(reader, request, group, map, mapEnd, last: i == groups.Count - 1, cancellationToken).ConfigureAwait(false);
            read += groupRead;
            switch (rewritten)
            {
                case null:
                    replacement.Add(group[0]);
                    break;
                case { SizeBytes: 0 }:
                    await store.DeleteSegmentAsync(request.TopicId, request.Partition, rewritten, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    written += rewritten.SizeBytes;
                    replacement.Add(rewritten);
                    break;
            }
        }

        return new CompactionResult(replaced, replacement, mapEnd, read, written, map.Count, (long)map.Slots * OffsetMap.BytesPerSlot);
    }

    // Groups neighbouring segments whose sizes add up to at most segment.bytes; a segment is never split.
    internal static IEnumerable<List<SegmentInfo>> GroupBySize(IReadOnlyList<SegmentInfo> segments, long maxBytes)
    {
        var group = new List<SegmentInfo>();
        long size = 0;
        foreach (var segment in segments)
        {
            if (group.Count > 0 && size + segment.SizeBytes > maxBytes)
            {
                yield return group;
                group = [];
                size = 0;
            }

            group.Add(segment);
            size += segment.SizeBytes;
        }

        if (group.Count > 0)
        {
            yield return group;
        }
    }

    private async Task<(OffsetMap Map, long MapEnd, long BytesRead)> BuildMapAsync(SegmentReader reader, CompactionRequest request, CancellationToken cancellationToken)
    {
        var dirty = request.Segments.Where(s => s.LastOffset >= request.CleanedUpTo && s.BaseOffset < request.EndOffset).ToList();
        var dirtyBytes = dirty.Sum(s => s.SizeBytes);

        // A record takes at least a dozen bytes in a batch: sized for that many keys, the map of a small partition stays small.
        var visitor = new MapBuilder(new OffsetMap(request.MapMemoryBytes, Math.Max(1024, dirtyBytes / 12)), request.CleanedUpTo, request.EndOffset);
        long read = 0;
        var mapEnd = request.CleanedUpTo;
        foreach (var segment in dirty)
        {
            await foreach (var batch in reader.ScanAsync(SegmentPaths.Log(request.TopicId, request.Partition, segment), segment.SizeBytes, 0, cancellationToken).ConfigureAwait(false))
            {
                read += batch.Length;
                await limiter.ThrottleAsync(batch.Length, cancellationToken).ConfigureAwait(false);
                var header = RecordBatchHeader.Read(batch.Span);
                if (header.LastOffset < request.CleanedUpTo)
                {
                    continue;
                }

                RecordBatchFilter.Visit(batch.Span, ref visitor);
                if (visitor.FullAt >= 0)
                {
                    return (visitor.Map, visitor.FullAt, read);
                }

                mapEnd = Math.Min(header.LastOffset + 1, request.EndOffset);
            }

            mapEnd = Math.Min(Math.Max(mapEnd, segment.LastOffset + 1), request.EndOffset);
        }

        return (visitor.Map, mapEnd, read);
    }

    // The rewritten segment (empty when nothing of the group is left), or null when the group is one segment that loses nothing
    // (it stays as it is, not copied). The last group keeps its last batch, so the sealed log still ends where it ended.
    private async Task<(SegmentInfo? Segment, long BytesRead)> RewriteAsync(
        SegmentReader reader, CompactionRequest request, List<SegmentInfo> group, OffsetMap map, long mapEnd, bool last, CancellationToken cancellationToken)
    {
        var target = new SegmentInfo
        {
            BaseOffset = group[0].BaseOffset,
            LastOffset = group[^1].LastOffset,
            Generation = group.Max(s => s.Generation) + 1,
        };
        var blob = SegmentPaths.Log(request.TopicId, request.Partition, target);

        // A blob of this name can only be left over from a pass that crashed before its manifest switch.
        await store.DeleteAsync(blob, cancellationToken).ConfigureAwait(false);
        await store.CreateSegmentAsync(blob, cancellationToken).ConfigureAwait(false);
        using var writer = new BlockWriter(store, blob, request.Config.IndexIntervalBytes, limiter);
        using var filtered = new PooledByteBuffer(ReadChunkBytes);
        using var lastDropped = new PooledByteBuffer(0);
        long read = 0;
        var changed = group.Count > 1;
        var dropped = 0;
        var retention = new Retention(map, mapEnd, request.NowMs);
        foreach (var segment in group)
        {
            await foreach (var batch in reader.ScanAsync(SegmentPaths.Log(request.TopicId, request.Partition, segment), segment.SizeBytes, 0, cancellationToken).ConfigureAwait(false))
            {
                read += batch.Length;
                await limiter.ThrottleAsync(batch.Length, cancellationToken).ConfigureAwait(false);
                filtered.Clear();
                var header = RecordBatchHeader.Read(batch.Span);
                retention.StartBatch(header);
                var kept = RecordBatchFilter.Filter(batch.Span, ref retention, filtered);
                if (retention.KeptTombstones && !header.HasDeleteHorizon)
                {
                    // The first pass to keep a delete marker stamps when it may go (Kafka's KIP-534), so the marker lives
                    // delete.retention.ms from now whatever later passes merge its segment with.
                    filtered.Clear();
                    retention.StartBatch(header);
                    kept = RecordBatchFilter.Filter(batch.Span, ref retention, filtered, request.NowMs + request.Config.DeleteRetentionMs);
                }

                switch (kept)
                {
                    case BatchFilterResult.KeptAll:
                        await writer.AddAsync(batch, cancellationToken).ConfigureAwait(false);
                        lastDropped.Clear();
                        break;
                    case BatchFilterResult.KeptSome:
                        await writer.AddAsync(filtered.WrittenMemory, cancellationToken).ConfigureAwait(false);
                        lastDropped.Clear();
                        changed = true;
                        break;
                    default:
                        dropped++;
                        lastDropped.Clear();
                        lastDropped.Write(batch.Span);
                        break;
                }
            }
        }

        var restored = last && lastDropped.Length > 0;
        if (restored)
        {
            await writer.AddAsync(lastDropped.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }

        // The segment changed when a batch lost records, or went and was not the one restored.
        if (!changed && dropped == (restored ? 1 : 0))
        {
            await store.DeleteAsync(blob, cancellationToken).ConfigureAwait(false);
            return (null, read);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await store.WriteBlobAsync(SegmentPaths.Index(request.TopicId, request.Partition, target), writer.Index.ToBytes(), cancellationToken).ConfigureAwait(false);
        return (target with { SizeBytes = writer.Size, FirstTimestamp = writer.FirstTimestamp, MaxTimestamp = writer.MaxTimestamp }, read);
    }

    /// <summary>Maps each key of the dirty range to its newest offset until the map is full.</summary>
    private struct MapBuilder(OffsetMap map, long start, long end) : IRecordRetention
    {
        public readonly OffsetMap Map => map;

        /// <summary>The offset of the first record the full map could not take; -1 while it has room.</summary>
        public long FullAt { get; private set; } = -1;

        public bool Keep(long offset, ReadOnlySpan<byte> key, bool keyIsNull, bool isTombstone)
        {
            if (offset >= start && offset < end && !keyIsNull && FullAt < 0 && !map.TryPut(key, offset))
            {
                FullAt = offset;
            }

            return true;
        }
    }

    /// <summary>
    /// Keeps a record unless a newer one of its key is mapped, it has no key, or it is a delete marker in a batch whose delete horizon
    /// has passed. Notes whether the batch keeps a delete marker, which then needs a horizon if it has none yet.
    /// </summary>
    private struct Retention(OffsetMap map, long mapEnd, long nowMs) : IRecordRetention
    {
        private long _deleteHorizon;

        /// <summary>Whether the current batch keeps a delete marker.</summary>
        public bool KeptTombstones { get; private set; }

        public void StartBatch(in RecordBatchHeader header)
        {
            _deleteHorizon = header.HasDeleteHorizon ? header.BaseTimestamp : long.MaxValue;
            KeptTombstones = false;
        }

        public bool Keep(long offset, ReadOnlySpan<byte> key, bool keyIsNull, bool isTombstone)
        {
            if (offset >= mapEnd)
            {
                return true;
            }

            if (keyIsNull || map.Get(key) > offset || (isTombstone && nowMs >= _deleteHorizon))
            {
                return false;
            }

            KeptTombstones |= isTombstone;
            return true;
        }
    }

    /// <summary>Writes whole batches to a new segment blob in append blocks of at most 4 MiB, indexing them on the way.</summary>
    private sealed class BlockWriter(ISegmentStore store, string blob, int indexIntervalBytes, CompactionLimiter limiter) : IDisposable
    {
        private readonly PooledByteBuffer _block = new(SegmentLimits.MaxAppendBlockBytes);

        public SegmentIndex Index { get; } = new();

        public long Size { get; private set; }

        public long FirstTimestamp { get; private set; } = long.MaxValue;

        public long MaxTimestamp { get; private set; } = -1;

        public async Task AddAsync(ReadOnlyMemory<byte> batch, CancellationToken cancellationToken)
        {
            if (_block.Length + batch.Length > SegmentLimits.MaxAppendBlockBytes)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            var header = RecordBatchHeader.Read(batch.Span);
            Index.Add(header.BaseOffset, batch.Length, header.MaxTimestamp, Size + _block.Length, indexIntervalBytes);
            FirstTimestamp = Math.Min(FirstTimestamp, header.HasDeleteHorizon ? header.MaxTimestamp : header.BaseTimestamp);
            MaxTimestamp = Math.Max(MaxTimestamp, header.MaxTimestamp);
            _block.Write(batch.Span);
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_block.Length == 0)
            {
                return;
            }

            await limiter.ThrottleAsync(_block.Length, cancellationToken).ConfigureAwait(false);
            await store.AppendBlockAsync(blob, _block.WrittenMemory, Size, leaseId: null, cancellationToken).ConfigureAwait(false);
            Size += _block.Length;
            _block.Clear();
        }

        public void Dispose() => _block.Dispose();
    }
}
