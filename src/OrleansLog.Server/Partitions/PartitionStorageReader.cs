using OrleansLog.Records;
using OrleansLog.Segments;

namespace OrleansLog.Partitions;

/// <summary>
/// Reads a partition's durable batches from its segments, for fetches the hot tail no longer holds and for timestamp lookups.
/// </summary>
internal sealed class PartitionStorageReader(SegmentReader reader, PartitionGrainKey key)
{
    /// <summary>
    /// Collects batches from <paramref name="offset"/>, up to <paramref name="maxBytes"/> (at least one batch), from the sealed
    /// segment or the active one that holds it; false when no segment holds it (retention removed it meanwhile). In a compacted
    /// range the offset's own record may be gone: the read then starts at the next batch that survived.
    /// </summary>
    public async Task<bool> ReadAsync(PartitionManifest manifest, ActiveSegment active, long offset, int maxBytes, List<ReadOnlyMemory<byte>> chunks, CancellationToken cancellationToken)
    {
        if (offset < manifest.LogStartOffset)
        {
            return false;
        }

        // The segment is looked up again after each read: compaction and retention change the list while a read awaits storage.
        while (offset < active.BaseOffset && FindSegment(manifest.Segments, offset) is var i and >= 0)
        {
            var segment = manifest.Segments[i];
            var index = await reader.GetIndexAsync(SegmentPaths.Index(key.TopicId, key.Partition, segment), cancellationToken);
            if (await reader.ReadAsync(SegmentPaths.Log(key.TopicId, key.Partition, segment), segment.SizeBytes, index, offset, maxBytes, chunks, cancellationToken) > 0)
            {
                return true;
            }

            offset = Math.Max(offset, segment.LastOffset + 1);
        }

        await reader.ReadAsync(active.Blob, active.Size, active.Index, Math.Max(offset, active.BaseOffset), maxBytes, chunks, cancellationToken);
        return true;
    }

    /// <summary>The first offset whose timestamp is at least <paramref name="timestamp"/>, or (-1, -1) when no record is that new.</summary>
    public async Task<OffsetAndTimestamp> FindTimestampAsync(List<SegmentInfo> segments, ActiveSegment active, long timestamp)
    {
        foreach (var segment in segments.ToArray())
        {
            if (segment.MaxTimestamp >= timestamp)
            {
                var index = await reader.GetIndexAsync(SegmentPaths.Index(key.TopicId, key.Partition, segment), CancellationToken.None);
                var found = await FindTimestampAsync(SegmentPaths.Log(key.TopicId, key.Partition, segment), segment.SizeBytes, index, timestamp);
                if (found.Offset >= 0)
                {
                    return found;
                }
            }
        }

        return active.MaxTimestamp >= timestamp
            ? await FindTimestampAsync(active.Blob, active.Size, active.Index, timestamp)
            : new OffsetAndTimestamp(-1, -1);
    }

    private async Task<OffsetAndTimestamp> FindTimestampAsync(string blobName, long size, SegmentIndex index, long timestamp)
    {
        await foreach (var batch in reader.ScanAsync(blobName, size, index.FindTimestamp(timestamp).Position, CancellationToken.None))
        {
            var header = RecordBatchHeader.Read(batch.Span);
            if (header.MaxTimestamp < timestamp)
            {
                continue;
            }

            if (header.TimestampType == TimestampType.LogAppendTime)
            {
                return new OffsetAndTimestamp(header.BaseOffset, header.MaxTimestamp);
            }

            foreach (var record in RecordBatchReader.ReadRecords(batch))
            {
                if (record.Timestamp >= timestamp)
                {
                    return new OffsetAndTimestamp(record.Offset, record.Timestamp);
                }
            }
        }

        return new OffsetAndTimestamp(-1, -1);
    }

    // The first segment that ends at or after the offset (the one holding it, or the next after a gap); -1 when none does.
    private static int FindSegment(List<SegmentInfo> segments, long offset)
    {
        int lo = 0, hi = segments.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (segments[mid].LastOffset < offset)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo < segments.Count ? lo : -1;
    }
}
