using System.Buffers.Binary;
using OrleansLog.Errors;
using OrleansLog.Records;
using OrleansLog.Segments;

namespace OrleansLog.Partitions;

/// <summary>
/// What recovery would learn by scanning the active segment up to <see cref="Position"/>: the offset there, the segment's index and
/// timestamps so far, and the idempotent producers' state. The partition writes one beside the segment every
/// <see cref="PartitionOptions.CheckpointIntervalBytes"/>, so a new activation replays only the bytes after it, however large the
/// segment has grown.
/// </summary>
/// <remarks>
/// A checkpoint names the last batch before its position (where it starts and its CRC), and recovery uses it only when the segment
/// still holds that batch there: one left by an activation whose segment was later discarded and started again at the same base
/// offset, or a damaged blob, is ignored and the whole segment is scanned as before.
/// </remarks>
internal sealed class SegmentCheckpoint
{
    private const uint Magic = 0x4F4C4350; // "OLCP"
    private const int Version = 1;
    private const int FixedSize = 4 + 4 + (8 * 6) + 4 + 4;
    private const int ProducerSize = 8 + 2 + 4;
    private const int BatchEntrySize = 4 + 4 + 8 + 8;

    /// <summary>The base offset of the segment the checkpoint describes.</summary>
    public required long SegmentBaseOffset { get; init; }

    /// <summary>The bytes of the segment the checkpoint covers: every batch before this position.</summary>
    public required long Position { get; init; }

    /// <summary>The offset of the batch at <see cref="Position"/>: the log's end as of the checkpoint.</summary>
    public required long NextOffset { get; init; }

    /// <summary>Where the last batch before <see cref="Position"/> starts.</summary>
    public required long LastBatchPosition { get; init; }

    /// <summary>The CRC in the last batch's header, which recovery compares with the segment's.</summary>
    public required uint LastBatchCrc { get; init; }

    /// <summary>The base timestamp of the segment's first batch.</summary>
    public required long FirstTimestamp { get; init; }

    /// <summary>The largest timestamp of the covered batches.</summary>
    public required long MaxTimestamp { get; init; }

    /// <summary>The segment's sparse index over the covered batches.</summary>
    public required SegmentIndex Index { get; init; }

    /// <summary>The idempotent producers' state after the covered batches.</summary>
    public required List<ProducerSnapshot> Producers { get; init; }

    /// <summary>Serializes the checkpoint for its blob (big-endian fields behind a magic number and version, then a CRC-32C).</summary>
    public byte[] ToBytes()
    {
        var index = Index.ToBytes();
        var size = FixedSize + index.Length;
        foreach (var producer in Producers)
        {
            size += ProducerSize + (producer.Batches.Count * BatchEntrySize);
        }

        var bytes = new byte[size + 4];
        var writer = new Writer(bytes);
        writer.UInt32(Magic);
        writer.Int32(Version);
        writer.Int64(SegmentBaseOffset);
        writer.Int64(Position);
        writer.Int64(NextOffset);
        writer.Int64(LastBatchPosition);
        writer.Int64(FirstTimestamp);
        writer.Int64(MaxTimestamp);
        writer.UInt32(LastBatchCrc);
        writer.Int32(Producers.Count);
        foreach (var producer in Producers)
        {
            writer.Int64(producer.ProducerId);
            writer.Int16(producer.Epoch);
            writer.Int32(producer.Batches.Count);
            foreach (var batch in producer.Batches)
            {
                writer.Int32(batch.BaseSequence);
                writer.Int32(batch.LastSequence);
                writer.Int64(batch.BaseOffset);
                writer.Int64(batch.LastOffset);
            }
        }

        index.CopyTo(bytes.AsSpan(writer.Position));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(size), Crc32C.Compute(bytes.AsSpan(0, size)));
        return bytes;
    }

    /// <summary>Reads a checkpoint written by <see cref="ToBytes"/>; throws <see cref="InvalidRecordException"/> when it is damaged.</summary>
    public static SegmentCheckpoint Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < FixedSize + 4 || BinaryPrimitives.ReadUInt32BigEndian(bytes) != Magic)
        {
            throw new InvalidRecordException("Segment checkpoint blob is not an OrleansLog checkpoint (bad magic or too short).");
        }

        if (BinaryPrimitives.ReadUInt32BigEndian(bytes[^4..]) != Crc32C.Compute(bytes[..^4]))
        {
            throw new InvalidRecordException("Segment checkpoint blob CRC mismatch; the checkpoint is corrupt.");
        }

        var reader = new Reader(bytes[..^4]);
        reader.UInt32();
        if (reader.Int32() is var version && version != Version)
        {
            throw new InvalidRecordException($"Segment checkpoint blob has version {version}; this silo reads version {Version}.");
        }

        var segmentBaseOffset = reader.Int64();
        var position = reader.Int64();
        var nextOffset = reader.Int64();
        var lastBatchPosition = reader.Int64();
        var firstTimestamp = reader.Int64();
        var maxTimestamp = reader.Int64();
        var lastBatchCrc = reader.UInt32();
        var producerCount = reader.Count(ProducerSize);
        var producers = new List<ProducerSnapshot>(producerCount);
        for (var i = 0; i < producerCount; i++)
        {
            var producer = new ProducerSnapshot { ProducerId = reader.Int64(), Epoch = reader.Int16() };
            var batches = reader.Count(BatchEntrySize);
            for (var j = 0; j < batches; j++)
            {
                producer.Batches.Add(new ProducerBatchEntry(reader.Int32(), reader.Int32(), reader.Int64(), reader.Int64()));
            }

            producers.Add(producer);
        }

        return new SegmentCheckpoint
        {
            SegmentBaseOffset = segmentBaseOffset,
            Position = position,
            NextOffset = nextOffset,
            LastBatchPosition = lastBatchPosition,
            LastBatchCrc = lastBatchCrc,
            FirstTimestamp = firstTimestamp,
            MaxTimestamp = maxTimestamp,
            Index = SegmentIndex.Parse(reader.Rest).ResumeAt(position, maxTimestamp),
            Producers = producers,
        };
    }

    /// <summary>
    /// Why the checkpoint does not describe a segment of <paramref name="segmentSize"/> bytes at <paramref name="baseOffset"/> whose
    /// bytes at <see cref="LastBatchPosition"/> are <paramref name="lastBatch"/> (at least the batch header); null when it does.
    /// </summary>
    public string? Mismatch(long baseOffset, long segmentSize, ReadOnlySpan<byte> lastBatch)
    {
        if (SegmentBaseOffset != baseOffset)
        {
            return $"it describes the segment at offset {SegmentBaseOffset}";
        }

        if (Position > segmentSize || LastBatchPosition >= Position)
        {
            return $"it covers {Position} bytes, but the segment holds {segmentSize}";
        }

        if (lastBatch.Length < RecordBatchHeader.Size)
        {
            return $"the segment holds no batch header at byte {LastBatchPosition}";
        }

        var header = RecordBatchHeader.Read(lastBatch);
        return header.Crc != LastBatchCrc || header.LastOffset + 1 != NextOffset || LastBatchPosition + header.TotalSize != Position
            ? $"the batch at byte {LastBatchPosition} is not the one it recorded (the segment was written again)"
            : null;
    }

    private ref struct Writer(Span<byte> bytes)
    {
        private readonly Span<byte> _bytes = bytes;

        public int Position { get; private set; }

        public void UInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Next(4), value);

        public void Int32(int value) => BinaryPrimitives.WriteInt32BigEndian(Next(4), value);

        public void Int16(short value) => BinaryPrimitives.WriteInt16BigEndian(Next(2), value);

        public void Int64(long value) => BinaryPrimitives.WriteInt64BigEndian(Next(8), value);

        private Span<byte> Next(int size)
        {
            var span = _bytes.Slice(Position, size);
            Position += size;
            return span;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _bytes = bytes;

        public readonly ReadOnlySpan<byte> Rest => _bytes;

        public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Next(4));

        public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Next(4));

        public short Int16() => BinaryPrimitives.ReadInt16BigEndian(Next(2));

        public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Next(8));

        // A count of entries of at least entrySize bytes each: one the remaining bytes cannot hold is damage, not an allocation.
        public int Count(int entrySize)
        {
            var count = Int32();
            if (count < 0 || (long)count * entrySize > _bytes.Length)
            {
                throw new InvalidRecordException($"Segment checkpoint blob claims {count} entries that its {_bytes.Length} remaining bytes cannot hold.");
            }

            return count;
        }

        private ReadOnlySpan<byte> Next(int size)
        {
            if (_bytes.Length < size)
            {
                throw new InvalidRecordException("Segment checkpoint blob ends in the middle of a field.");
            }

            var span = _bytes[..size];
            _bytes = _bytes[size..];
            return span;
        }
    }
}
