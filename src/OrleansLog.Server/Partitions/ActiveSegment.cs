using Microsoft.Extensions.Logging;
using OrleansLog.Errors;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Partitions;

/// <summary>
/// The segment a partition appends to: its blob, its write lease, how far it is written and the index and timestamps of the
/// batches in it. Flushing and recovery both account for a batch through <see cref="Track"/>, so the two cannot disagree about
/// where a batch sits.
/// </summary>
/// <remarks>Not thread-safe: the partition's <see cref="GroupCommitter"/> is its only writer.</remarks>
internal sealed class ActiveSegment(ISegmentStore store, PartitionGrainKey key, ILogger logger)
{
    private bool _created;
    private long _lastBatchPosition = -1;
    private uint _lastBatchCrc;

    /// <summary>The offset of the segment's first batch; it names the blob.</summary>
    public long BaseOffset { get; private set; }

    /// <summary>Bytes written to the segment.</summary>
    public long Size { get; private set; }

    /// <summary>Append blocks written to the segment (Azure caps them at <see cref="SegmentLimits.MaxAppendBlocks"/>).</summary>
    public int Blocks { get; private set; }

    /// <summary>When the segment was created, in Unix ms; segment.ms counts from here.</summary>
    public long CreatedAtMs { get; private set; }

    /// <summary>The base timestamp of the first batch, or -1 while the segment is empty.</summary>
    public long FirstTimestamp { get; private set; } = -1;

    /// <summary>The largest timestamp of any batch, or -1 while the segment is empty.</summary>
    public long MaxTimestamp { get; private set; } = -1;

    /// <summary>The sparse offset and timestamp index of the segment's batches.</summary>
    public SegmentIndex Index { get; private set; } = new();

    /// <summary>The bytes the segment's newest checkpoint covers (0 when it has none): recovery would replay from here.</summary>
    public long CheckpointedSize { get; private set; }

    /// <summary>True when a checkpoint blob may exist beside the segment (one was written, or recovery found one): sealing deletes it.</summary>
    public bool HasCheckpointBlob { get; private set; }

    /// <summary>The lease this activation writes under, or null when it holds none.</summary>
    public string? LeaseId { get; private set; }

    /// <summary>The segment's blob.</summary>
    public string Blob => SegmentPaths.Log(key.TopicId, key.Partition, BaseOffset);

    /// <summary>The segment's recovery checkpoint blob.</summary>
    public string CheckpointBlob => SegmentPaths.Checkpoint(key.TopicId, key.Partition, BaseOffset);

    /// <summary>Starts a new, not yet created segment at <paramref name="baseOffset"/>.</summary>
    public void StartAt(long baseOffset, long nowMs)
    {
        BaseOffset = baseOffset;
        Size = 0;
        Blocks = 0;
        _created = false;
        CreatedAtMs = nowMs;
        FirstTimestamp = -1;
        MaxTimestamp = -1;
        Index = new SegmentIndex();
        CheckpointedSize = 0;
        HasCheckpointBlob = false;
        _lastBatchPosition = -1;
    }

    /// <summary>True when the next block of <paramref name="nextBlockBytes"/> belongs in a new segment (size, block count or age).</summary>
    public bool IsFull(int nextBlockBytes, TopicConfig config, long nowMs) =>
        Size > 0 && (Size + nextBlockBytes > config.SegmentBytes || Blocks >= SegmentLimits.MaxAppendBlocks - 1 || IsDueToRoll(config, nowMs));

    /// <summary>True when the segment holds data and is older than segment.ms.</summary>
    public bool IsDueToRoll(TopicConfig config, long nowMs) => Size > 0 && nowMs - CreatedAtMs >= config.SegmentMs;

    /// <summary>
    /// Appends one block at the segment's end, creating the blob and taking its lease first when needed. Taking a lease breaks the
    /// holder's, so <paramref name="checkLeaderEpoch"/> runs first: a fenced activation must not break the real leader's lease.
    /// </summary>
    /// <exception cref="NotLeaderException">Another activation holds the lease or wrote to the segment.</exception>
    public async Task AppendAsync(ReadOnlyMemory<byte> block, Func<Task> checkLeaderEpoch, long nowMs, CancellationToken cancellationToken)
    {
        var createdNow = false;
        if (!_created)
        {
            createdNow = await store.CreateSegmentAsync(Blob, cancellationToken);
            _created = true;
            CreatedAtMs = nowMs;
        }

        if (LeaseId is null)
        {
            await checkLeaderEpoch();

            // A blob this step just created has no earlier holder to break (one request less per new segment).
            LeaseId = await store.TakeLeaseAsync(Blob, cancellationToken, breakHeldLease: !createdNow);
        }

        await store.AppendBlockAsync(Blob, block, Size, LeaseId, cancellationToken);
        Blocks++;
    }

    /// <summary>Accounts for a durable batch written at the segment's end: index, timestamps and size.</summary>
    public void Track(in TailEntry batch, int indexIntervalBytes)
    {
        Index.Add(batch.BaseOffset, batch.Batch.Length, batch.MaxTimestamp, Size, indexIntervalBytes);
        var header = RecordBatchHeader.Read(batch.Batch.Span);
        if (FirstTimestamp < 0)
        {
            FirstTimestamp = header.BaseTimestamp;
        }

        _lastBatchPosition = Size;
        _lastBatchCrc = header.Crc;
        MaxTimestamp = Math.Max(MaxTimestamp, batch.MaxTimestamp);
        Size += batch.Batch.Length;
    }

    /// <summary>
    /// Opens the segment a previous activation left, taking its lease (which fences that activation if it still appends), and
    /// returns its size read under the lease; null when the segment was never created.
    /// </summary>
    public async Task<long?> OpenExistingAsync(CancellationToken cancellationToken)
    {
        var properties = await store.GetPropertiesAsync(Blob, cancellationToken);
        if (properties is null)
        {
            return null;
        }

        // The size is read again under the lease, so an append that landed just before the break is part of what is recovered.
        LeaseId = await store.TakeLeaseAsync(Blob, cancellationToken);
        properties = await store.GetPropertiesAsync(Blob, cancellationToken) ?? properties;
        _created = true;
        CreatedAtMs = properties.CreatedOn.ToUnixTimeMilliseconds();
        Blocks = properties.BlockCount;
        return properties.Size;
    }

    /// <summary>A checkpoint of everything tracked so far (the log ends at <paramref name="nextOffset"/>); null while the segment is empty.</summary>
    public SegmentCheckpoint? Checkpoint(long nextOffset, List<ProducerSnapshot> producers) => _lastBatchPosition < 0 ? null : new SegmentCheckpoint
    {
        SegmentBaseOffset = BaseOffset,
        Position = Size,
        NextOffset = nextOffset,
        LastBatchPosition = _lastBatchPosition,
        LastBatchCrc = _lastBatchCrc,
        FirstTimestamp = FirstTimestamp,
        MaxTimestamp = MaxTimestamp,
        Index = Index,
        Producers = producers,
    };

    /// <summary>
    /// Writes <paramref name="checkpoint"/> (taken by <see cref="Checkpoint"/>) beside the segment. Best effort: without it recovery
    /// scans more of the segment, so a failure is logged and loses nothing.
    /// </summary>
    public async Task WriteCheckpointAsync(SegmentCheckpoint checkpoint, TimeSpan timeout, TimeProvider time)
    {
        var blob = CheckpointBlob;
        var bytes = checkpoint.ToBytes();
        HasCheckpointBlob = true;
        try
        {
            using var cancellation = new CancellationTokenSource(timeout, time);
            await store.WriteBlobAsync(blob, bytes, cancellation.Token);
            if (checkpoint.SegmentBaseOffset == BaseOffset && checkpoint.Position > CheckpointedSize)
            {
                CheckpointedSize = checkpoint.Position;
            }
        }
        catch (Exception e)
        {
            // Any failure (the storage client reports exhausted network retries as an AggregateException): the checkpoint is only
            // a shortcut for recovery, so the flusher goes on without it.
            logger.CheckpointNotWritten(key.Topic, key.Partition, blob, e.Message);
        }
    }

    /// <summary>
    /// Reads the checkpoint a previous activation left for this segment of <paramref name="segmentSize"/> bytes and, when it still
    /// describes the segment, resumes from it: size, index and timestamps as of the checkpoint. Null (and nothing changed) when there is
    /// none or it does not fit the segment; recovery then scans from the start.
    /// </summary>
    public async Task<SegmentCheckpoint?> ResumeFromCheckpointAsync(long segmentSize, CancellationToken cancellationToken)
    {
        if (await store.ReadBlobAsync(CheckpointBlob, cancellationToken) is not { } bytes)
        {
            return null;
        }

        HasCheckpointBlob = true;
        SegmentCheckpoint checkpoint;
        string? mismatch;
        try
        {
            checkpoint = SegmentCheckpoint.Parse(bytes);
            var lastBatch = checkpoint.Position <= segmentSize && checkpoint.LastBatchPosition is >= 0 and var at && at < checkpoint.Position
                ? await store.ReadAsync(Blob, at, RecordBatchHeader.Size, cancellationToken)
                : [];
            mismatch = checkpoint.Mismatch(BaseOffset, segmentSize, lastBatch);
        }
        catch (InvalidRecordException e)
        {
            checkpoint = null!;
            mismatch = e.Message;
        }

        if (mismatch is not null)
        {
            logger.CheckpointIgnored(key.Topic, key.Partition, CheckpointBlob, mismatch);
            return null;
        }

        Size = checkpoint.Position;
        CheckpointedSize = checkpoint.Position;
        Index = checkpoint.Index;
        FirstTimestamp = checkpoint.FirstTimestamp;
        MaxTimestamp = checkpoint.MaxTimestamp;
        _lastBatchPosition = checkpoint.LastBatchPosition;
        _lastBatchCrc = checkpoint.LastBatchCrc;
        return checkpoint;
    }

    /// <summary>Deletes the segment's checkpoint once it is sealed, best effort: a checkpoint of a sealed segment is never read.</summary>
    public async Task DeleteCheckpointAsync()
    {
        if (!HasCheckpointBlob)
        {
            return;
        }

        try
        {
            await store.DeleteAsync(CheckpointBlob, CancellationToken.None);
            HasCheckpointBlob = false;
        }
        catch (Exception e)
        {
            logger.CheckpointNotWritten(key.Topic, key.Partition, CheckpointBlob, e.Message);
        }
    }

    /// <summary>Writes the segment's index beside it, for readers once the segment is sealed.</summary>
    public Task WriteIndexAsync() => store.WriteBlobAsync(SegmentPaths.Index(key.TopicId, key.Partition, BaseOffset), Index.ToBytes(), CancellationToken.None);

    /// <summary>The description of the segment once sealed with <paramref name="lastOffset"/> as its last offset.</summary>
    public SegmentInfo ToSealed(long lastOffset) => new()
    {
        BaseOffset = BaseOffset,
        LastOffset = lastOffset,
        SizeBytes = Size,
        FirstTimestamp = FirstTimestamp,
        MaxTimestamp = MaxTimestamp,
    };

    /// <summary>Deletes a segment that holds nothing valid: no acknowledged data can be in it.</summary>
    public async Task DiscardAsync(CancellationToken cancellationToken)
    {
        await store.DeleteAsync(CheckpointBlob, cancellationToken);
        HasCheckpointBlob = false;
        await store.DeleteAsync(Blob, cancellationToken);
        LeaseId = null;
        _created = false;
        Blocks = 0;
    }

    /// <summary>
    /// Releases the lease, best effort: a lease left behind is broken by the next writer (or by deletion), so failing to release
    /// it loses nothing.
    /// </summary>
    public async Task ReleaseLeaseAsync()
    {
        if (LeaseId is not { } leaseId)
        {
            return;
        }

        LeaseId = null;
        try
        {
            await store.ReleaseLeaseAsync(Blob, leaseId, CancellationToken.None);
        }
        catch (StorageException e)
        {
            logger.StorageRetry(key.Topic, key.Partition, TimeSpan.Zero, e.Message);
        }
    }
}
