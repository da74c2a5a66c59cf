using OrleansLog.Records;

namespace OrleansLog.Segments;

/// <summary>
/// Reads whole batches of one partition's segments from blob storage by ranged reads located through the sparse index,
/// keeping the last few reads so that a sequential consumer is served from read-ahead instead of a request per fetch. When a
/// read comes close to the end of what is cached, the next chunk is read in the background, so a consumer reading on (a Kafka
/// client has one fetch in flight) finds it in memory instead of waiting for storage.
/// </summary>
/// <remarks>
/// Not thread-safe: one per partition activation, used on the grain's scheduler. Its awaits keep that scheduler (no
/// ConfigureAwait(false)), so interleaved fetches and the background read change the cache only between awaits.
/// </remarks>
internal sealed class SegmentReader(ISegmentStore store, int readAheadBytes)
{
    private const int CachedChunks = 4;
    private const int MaxCachedIndexes = 64;

    private readonly List<Chunk> _chunks = new(CachedChunks);
    private readonly Dictionary<string, SegmentIndex> _indexes = new(StringComparer.Ordinal);
    private Task _readAhead = Task.CompletedTask;
    private string? _readAheadBlob;

    /// <summary>Remembers the index of a segment that was just sealed, so reads need not fetch it.</summary>
    public void CacheIndex(string indexBlobName, SegmentIndex index)
    {
        if (_indexes.Count >= MaxCachedIndexes)
        {
            _indexes.Clear();
        }

        _indexes[indexBlobName] = index;
    }

    /// <summary>Forgets everything cached of a segment (it was deleted or replaced).</summary>
    public void Forget(string logBlobName, string indexBlobName)
    {
        _indexes.Remove(indexBlobName);
        _chunks.RemoveAll(c => c.BlobName == logBlobName);
    }

    /// <summary>The index of a sealed segment, from cache or its index blob (an empty index, read from the start, when the blob is missing).</summary>
    public async Task<SegmentIndex> GetIndexAsync(string indexBlobName, CancellationToken cancellationToken)
    {
        if (_indexes.TryGetValue(indexBlobName, out var index))
        {
            return index;
        }

        var bytes = await store.ReadBlobAsync(indexBlobName, cancellationToken);
        index = bytes is null ? new SegmentIndex() : SegmentIndex.Parse(bytes);
        CacheIndex(indexBlobName, index);
        return index;
    }

    /// <summary>
    /// Adds to <paramref name="chunks"/> the whole batches of the segment from the one holding <paramref name="offset"/>,
    /// stopping before <paramref name="maxBytes"/> is passed (the first batch is always taken). Returns the bytes added.
    /// </summary>
    public async Task<int> ReadAsync(
        string blobName,
        long segmentSize,
        SegmentIndex index,
        long offset,
        int maxBytes,
        List<ReadOnlyMemory<byte>> chunks,
        CancellationToken cancellationToken)
    {
        var chunk = FindCached(blobName, offset);
        if (chunk is null && !_readAhead.IsCompleted && _readAheadBlob == blobName)
        {
            // The read ahead of this segment is likely what this read needs: wait for it rather than read the same bytes twice.
            await _readAhead;
            chunk = FindCached(blobName, offset);
        }

        chunk ??= await ReadChunkAsync(blobName, segmentSize, index.FindOffset(offset).Position, cancellationToken);
        while (true)
        {
            var (start, length) = Locate(chunk.Data, offset, maxBytes);
            if (length > 0)
            {
                chunks.Add(chunk.Data.AsMemory(start, length));
                ReadAheadAfter(chunk, start + length, maxBytes, segmentSize);
                return length;
            }

            // The batch holding the offset starts at `start` but does not fit in this chunk: read from there, big enough for it.
            var position = chunk.Position + start;
            var needed = NeededBytes(chunk.Data.AsSpan(start));
            if (position >= segmentSize || (chunk.Position == position && chunk.Data.Length >= Math.Min(needed, segmentSize - position)))
            {
                return 0; // nothing whole is left to read: the segment ends in a torn batch
            }

            chunk = await ReadChunkAsync(blobName, segmentSize, position, cancellationToken, needed);
        }
    }

    /// <summary>Enumerates the segment's whole batches from <paramref name="position"/> to the end, reading ahead chunk by chunk.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ScanAsync(
        string blobName,
        long segmentSize,
        long position,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (position < segmentSize)
        {
            var chunk = await ReadChunkAsync(blobName, segmentSize, position, cancellationToken);
            var consumed = 0;
            foreach (var batch in new RecordBatchSequence(chunk.Data))
            {
                yield return batch;
                consumed += batch.Length;
            }

            if (consumed == 0)
            {
                chunk = await ReadChunkAsync(blobName, segmentSize, position, cancellationToken, NeededBytes(chunk.Data));
                if (!RecordBatch.TryPeek(chunk.Data, out var header))
                {
                    yield break; // a torn tail: nothing more that is whole
                }

                yield return chunk.Data.AsMemory(0, header.TotalSize);
                consumed = header.TotalSize;
            }

            position += consumed;
        }
    }

    private Chunk? FindCached(string blobName, long offset)
    {
        foreach (var chunk in _chunks)
        {
            if (chunk.BlobName == blobName && offset >= chunk.FirstOffset && offset <= chunk.LastOffset)
            {
                return chunk;
            }
        }

        return null;
    }

    // Starts reading the chunk after `chunk` when the next read of `maxBytes` from `servedEnd` would run past it.
    private void ReadAheadAfter(Chunk chunk, int servedEnd, int maxBytes, long segmentSize)
    {
        var next = chunk.Position + chunk.WholeBytes;
        if (chunk.WholeBytes - servedEnd >= maxBytes || chunk.WholeBytes == 0 || next >= segmentSize || !_readAhead.IsCompleted)
        {
            return;
        }

        foreach (var cached in _chunks)
        {
            if (cached.BlobName == chunk.BlobName && cached.Position == next)
            {
                return;
            }
        }

        _readAheadBlob = chunk.BlobName;
        _readAhead = ReadAheadAsync(chunk.BlobName, segmentSize, next);
    }

    // A read ahead nobody waits for: a failure only means the next read goes to storage itself (and reports the error there).
    private async Task ReadAheadAsync(string blobName, long segmentSize, long position)
    {
        try
        {
            await ReadChunkAsync(blobName, segmentSize, position, CancellationToken.None);
        }
        catch (Exception)
        {
        }
    }

    private async Task<Chunk> ReadChunkAsync(string blobName, long segmentSize, long position, CancellationToken cancellationToken, int minimumBytes = 0)
    {
        var length = (int)Math.Min(segmentSize - position, Math.Max(readAheadBytes, minimumBytes));
        var data = length <= 0 ? [] : await store.ReadAsync(blobName, position, length, cancellationToken);
        long first = -1, last = -2;
        var whole = 0;
        foreach (var batch in new RecordBatchSequence(data))
        {
            var header = RecordBatchHeader.Read(batch.Span);
            if (first < 0)
            {
                first = header.BaseOffset;
            }

            last = header.LastOffset;
            whole += batch.Length;
        }

        var chunk = new Chunk(blobName, position, data, first, last, whole);
        if (_chunks.Count == CachedChunks)
        {
            _chunks.RemoveAt(0);
        }

        _chunks.Add(chunk);
        return chunk;
    }

    // Finds, in a buffer that starts at a batch boundary, the run of whole batches that starts with the one holding `offset`.
    private static (int Start, int Length) Locate(byte[] data, long offset, int maxBytes)
    {
        var position = 0;
        var start = -1;
        while (RecordBatch.TryPeek(data.AsSpan(position), out var header))
        {
            if (start < 0 && header.LastOffset >= offset)
            {
                start = position;
            }

            if (start >= 0 && position > start && position - start + header.TotalSize > maxBytes)
            {
                break;
            }

            position += header.TotalSize;
        }

        return start < 0 ? (position, 0) : (start, position - start);
    }

    private static int NeededBytes(ReadOnlySpan<byte> partialBatch) =>
        partialBatch.Length >= 12 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(partialBatch[8..]) + 12 : RecordBatchHeader.Size;

    // Data starts at a batch boundary; its first WholeBytes are whole batches (FirstOffset to LastOffset), the rest a partial one.
    private sealed record Chunk(string BlobName, long Position, byte[] Data, long FirstOffset, long LastOffset, int WholeBytes);
}
