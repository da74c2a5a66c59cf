using System.Buffers.Binary;
using OrleansLog.Errors;

namespace OrleansLog.Records;

/// <summary>The 61-byte header of a Kafka record batch v2 (magic 2), decoded.</summary>
public readonly struct RecordBatchHeader
{
    /// <summary>The size of the header in bytes; the records start here.</summary>
    public const int Size = 61;

    internal const int BaseOffsetOffset = 0;
    internal const int BatchLengthOffset = 8;
    internal const int PartitionLeaderEpochOffset = 12;
    internal const int MagicOffset = 16;
    internal const int CrcOffset = 17;
    internal const int AttributesOffset = 21;
    internal const int LastOffsetDeltaOffset = 23;
    internal const int BaseTimestampOffset = 27;
    internal const int MaxTimestampOffset = 35;
    internal const int ProducerIdOffset = 43;
    internal const int ProducerEpochOffset = 51;
    internal const int BaseSequenceOffset = 53;
    internal const int RecordCountOffset = 57;

    /// <summary>The bytes before the batch length field plus the field itself; TotalSize = BatchLength + this.</summary>
    internal const int LogOverhead = 12;

    internal const short CompressionMask = 0x07;
    internal const short TimestampTypeMask = 0x08;
    internal const short TransactionalMask = 0x10;
    internal const short ControlMask = 0x20;
    internal const short DeleteHorizonMask = 0x40;

    private RecordBatchHeader(ReadOnlySpan<byte> b)
    {
        BaseOffset = BinaryPrimitives.ReadInt64BigEndian(b[BaseOffsetOffset..]);
        BatchLength = BinaryPrimitives.ReadInt32BigEndian(b[BatchLengthOffset..]);
        PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(b[PartitionLeaderEpochOffset..]);
        Magic = b[MagicOffset];
        Crc = BinaryPrimitives.ReadUInt32BigEndian(b[CrcOffset..]);
        Attributes = BinaryPrimitives.ReadInt16BigEndian(b[AttributesOffset..]);
        LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(b[LastOffsetDeltaOffset..]);
        BaseTimestamp = BinaryPrimitives.ReadInt64BigEndian(b[BaseTimestampOffset..]);
        MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(b[MaxTimestampOffset..]);
        ProducerId = BinaryPrimitives.ReadInt64BigEndian(b[ProducerIdOffset..]);
        ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(b[ProducerEpochOffset..]);
        BaseSequence = BinaryPrimitives.ReadInt32BigEndian(b[BaseSequenceOffset..]);
        RecordCount = BinaryPrimitives.ReadInt32BigEndian(b[RecordCountOffset..]);
    }

    /// <summary>The offset of the first record (assigned by the partition).</summary>
    public long BaseOffset { get; }

    /// <summary>The number of bytes after the batch length field.</summary>
    public int BatchLength { get; }

    /// <summary>The leader epoch of the partition activation that appended the batch.</summary>
    public int PartitionLeaderEpoch { get; }

    /// <summary>The format version; 2 for every batch OrleansLog accepts.</summary>
    public byte Magic { get; }

    /// <summary>The stored CRC-32C of the bytes from the attributes to the end of the batch.</summary>
    public uint Crc { get; }

    /// <summary>The raw attribute bits (codec, timestamp type, transactional, control).</summary>
    public short Attributes { get; }

    /// <summary>The offset of the last record minus <see cref="BaseOffset"/>.</summary>
    public int LastOffsetDelta { get; }

    /// <summary>The timestamp of the first record; record timestamps are stored as deltas from it.</summary>
    public long BaseTimestamp { get; }

    /// <summary>The largest record timestamp, or the log-append time when <see cref="TimestampType"/> is <see cref="Records.TimestampType.LogAppendTime"/>.</summary>
    public long MaxTimestamp { get; }

    /// <summary>The idempotent producer's id, or -1.</summary>
    public long ProducerId { get; }

    /// <summary>The idempotent producer's epoch, or -1.</summary>
    public short ProducerEpoch { get; }

    /// <summary>The producer's sequence number of the first record, or -1.</summary>
    public int BaseSequence { get; }

    /// <summary>The number of records in the batch.</summary>
    public int RecordCount { get; }

    /// <summary>The codec of the records (attribute bits 0-2); values above <see cref="CompressionType.Zstd"/> are unknown codecs.</summary>
    public CompressionType Compression => (CompressionType)(Attributes & CompressionMask);

    /// <summary>Whether the timestamps are the producer's or the log's (attribute bit 3).</summary>
    public TimestampType TimestampType => (Attributes & TimestampTypeMask) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    /// <summary>Whether the batch belongs to a transaction (attribute bit 4).</summary>
    public bool IsTransactional => (Attributes & TransactionalMask) != 0;

    /// <summary>Whether the batch holds a control record such as a transaction marker (attribute bit 5).</summary>
    public bool IsControl => (Attributes & ControlMask) != 0;

    /// <summary>
    /// True when log compaction stamped the batch (Kafka's KIP-534): its base timestamp is then the time after which its delete
    /// markers may be removed, and its records' timestamp deltas are relative to that.
    /// </summary>
    internal bool HasDeleteHorizon => (Attributes & DeleteHorizonMask) != 0;

    /// <summary>The size of the whole batch in bytes.</summary>
    public int TotalSize => BatchLength + LogOverhead;

    /// <summary>The offset of the last record.</summary>
    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>Decodes the header at the start of <paramref name="batch"/>; throws <see cref="InvalidRecordException"/> if it is shorter than 61 bytes or its magic is not 2.</summary>
    public static RecordBatchHeader Read(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < Size)
        {
            throw new InvalidRecordException(
                $"Record batch is {batch.Length} bytes, shorter than the {Size}-byte v2 batch header; the batch is truncated or corrupt.");
        }

        byte magic = batch[MagicOffset];
        if (magic != RecordBatch.CurrentMagic)
        {
            throw new InvalidRecordException(
                $"Record batch magic is {magic}; only magic {RecordBatch.CurrentMagic} (record batch v2) is supported.");
        }

        return new RecordBatchHeader(batch);
    }
}
