using System.Buffers.Binary;
using OrleansLog.Errors;

namespace OrleansLog.Records;

/// <summary>Checks and edits Kafka record batches v2 as byte buffers, without decoding records unless asked to.</summary>
public static class RecordBatch
{
    /// <summary>The batch format version OrleansLog reads and writes.</summary>
    public const byte CurrentMagic = 2;

    /// <summary>The smallest legal batch length field: the header after the length field, with no records.</summary>
    public const int MinBatchLength = RecordBatchHeader.Size - RecordBatchHeader.LogOverhead;

    /// <summary>Checks that <paramref name="batch"/> is exactly one well-formed batch a producer may append (magic, length, size limit, record count, codec, CRC; with <paramref name="deep"/>, every record), and returns its header.</summary>
    /// <exception cref="InvalidRecordException">The batch is malformed.</exception>
    /// <exception cref="RecordTooLargeException">The batch is larger than <paramref name="maxBatchBytes"/>.</exception>
    public static RecordBatchHeader Validate(ReadOnlySpan<byte> batch, int maxBatchBytes, bool deep, int maxDecompressedBytes = 64 * 1024 * 1024)
    {
        RecordBatchHeader header = CheckFraming(batch);
        if (batch.Length > maxBatchBytes)
        {
            throw new RecordTooLargeException(
                $"Record batch is {batch.Length} bytes, larger than the topic's max.message.bytes of {maxBatchBytes}; send smaller batches (lower batch.size) or raise max.message.bytes.");
        }

        // The CRC first: when a covered field is damaged, the CRC names the real problem.
        CheckCrc(batch, header);
        if (header.RecordCount < 1)
        {
            throw new InvalidRecordException($"Record batch declares {header.RecordCount} records; a produced batch must hold at least one.");
        }

        if (header.LastOffsetDelta != header.RecordCount - 1)
        {
            throw new InvalidRecordException(
                $"Record batch last offset delta is {header.LastOffsetDelta} but it declares {header.RecordCount} records; expected {header.RecordCount - 1}.");
        }

        CheckCodec(header);
        if (deep)
        {
            ReadOnlySpan<byte> records = batch[RecordBatchHeader.Size..];
            if (header.Compression == CompressionType.None)
            {
                RecordDecoder.Walk(records, header, strictOffsets: true);
            }
            else
            {
                using var buffer = new PooledByteBuffer(InitialDecompressCapacity(records.Length, maxDecompressedBytes));
                RecordCompression.Decompress(header.Compression, records, maxDecompressedBytes, buffer);
                RecordDecoder.Walk(buffer.WrittenSpan, header, strictOffsets: true);
            }
        }

        return header;
    }

    /// <summary>Reads the header of the batch at the start of a buffer of concatenated batches; false when the buffer ends before the batch does (an incomplete tail).</summary>
    /// <exception cref="InvalidRecordException">The batch length field is below the header size, or the magic is not 2.</exception>
    public static bool TryPeek(ReadOnlySpan<byte> buffer, out RecordBatchHeader header)
    {
        header = default;
        if (buffer.Length < RecordBatchHeader.LogOverhead)
        {
            return false;
        }

        int batchLength = BinaryPrimitives.ReadInt32BigEndian(buffer[RecordBatchHeader.BatchLengthOffset..]);
        if (batchLength < MinBatchLength)
        {
            throw new InvalidRecordException(
                $"Record batch length field is {batchLength}, below the minimum of {MinBatchLength}; the data is corrupt or not a v2 batch.");
        }

        if ((long)batchLength + RecordBatchHeader.LogOverhead > buffer.Length)
        {
            return false;
        }

        header = RecordBatchHeader.Read(buffer);
        return true;
    }

    /// <summary>Computes the CRC-32C a batch should carry: over its bytes from the attributes (byte 21) to the end.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < RecordBatchHeader.Size)
        {
            throw new InvalidRecordException($"Record batch is {batch.Length} bytes, shorter than the {RecordBatchHeader.Size}-byte header; no CRC can be computed.");
        }

        return Crc32C.Compute(batch[RecordBatchHeader.AttributesOffset..]);
    }

    /// <summary>Writes the base offset (outside the CRC, so the batch stays valid).</summary>
    public static void SetBaseOffset(Span<byte> batch, long baseOffset)
    {
        CheckHeaderLength(batch);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.BaseOffsetOffset..], baseOffset);
    }

    /// <summary>Writes the partition leader epoch (outside the CRC, so the batch stays valid).</summary>
    public static void SetPartitionLeaderEpoch(Span<byte> batch, int epoch)
    {
        CheckHeaderLength(batch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.PartitionLeaderEpochOffset..], epoch);
    }

    /// <summary>Marks the batch's timestamps as log-append time <paramref name="timestampMs"/> (attribute bit 3 and max timestamp) and rewrites the CRC, as Kafka's broker does.</summary>
    public static void SetLogAppendTime(Span<byte> batch, long timestampMs)
    {
        CheckHeaderLength(batch);
        short attributes = BinaryPrimitives.ReadInt16BigEndian(batch[RecordBatchHeader.AttributesOffset..]);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchHeader.AttributesOffset..], (short)(attributes | RecordBatchHeader.TimestampTypeMask));
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.MaxTimestampOffset..], timestampMs);
        BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatchHeader.CrcOffset..], ComputeCrc(batch));
    }

    /// <summary>Writes an idempotent producer's id, epoch and base sequence and rewrites the CRC (they are inside it).</summary>
    public static void SetProducerState(Span<byte> batch, long producerId, short producerEpoch, int baseSequence)
    {
        CheckHeaderLength(batch);
        BinaryPrimitives.WriteInt64BigEndian(batch[RecordBatchHeader.ProducerIdOffset..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(batch[RecordBatchHeader.ProducerEpochOffset..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(batch[RecordBatchHeader.BaseSequenceOffset..], baseSequence);
        BinaryPrimitives.WriteUInt32BigEndian(batch[RecordBatchHeader.CrcOffset..], ComputeCrc(batch));
    }

    /// <summary>Returns the number of leading bytes of <paramref name="buffer"/> that are complete batches (the rest is an incomplete tail).</summary>
    /// <exception cref="InvalidRecordException">A batch length field is below the header size, or a magic is not 2.</exception>
    public static int CountCompleteBytes(ReadOnlySpan<byte> buffer)
    {
        int position = 0;
        while (TryPeek(buffer[position..], out RecordBatchHeader header))
        {
            position += header.TotalSize;
        }

        return position;
    }

    /// <summary>Header checks shared by validation and reading: at least a header, magic 2, and a length field that matches the buffer exactly.</summary>
    internal static RecordBatchHeader CheckFraming(ReadOnlySpan<byte> batch)
    {
        RecordBatchHeader header = RecordBatchHeader.Read(batch);
        if ((long)header.BatchLength + RecordBatchHeader.LogOverhead != batch.Length)
        {
            throw new InvalidRecordException(
                $"Record batch length field says {header.BatchLength} (a {(long)header.BatchLength + RecordBatchHeader.LogOverhead}-byte batch) but the buffer holds {batch.Length} bytes; the batch is truncated or corrupt.");
        }

        return header;
    }

    internal static void CheckCrc(ReadOnlySpan<byte> batch, in RecordBatchHeader header)
    {
        uint computed = Crc32C.Compute(batch[RecordBatchHeader.AttributesOffset..]);
        if (computed != header.Crc)
        {
            throw new InvalidRecordException($"Record batch CRC mismatch: stored 0x{header.Crc:x8}, computed 0x{computed:x8}; the batch is corrupt.");
        }
    }

    internal static void CheckCodec(in RecordBatchHeader header)
    {
        if (header.Compression > CompressionType.Zstd)
        {
            throw new InvalidRecordException(
                $"Record batch compression type {(int)header.Compression} is unknown; expected 0 (none), 1 (gzip), 2 (snappy), 3 (lz4) or 4 (zstd).");
        }
    }

    internal static int InitialDecompressCapacity(int compressedLength, int maxDecompressedBytes) =>
        (int)Math.Clamp(compressedLength * 4L, 4096, Math.Max(maxDecompressedBytes, 4096));

    private static void CheckHeaderLength(ReadOnlySpan<byte> batch)
    {
        if (batch.Length < RecordBatchHeader.Size)
        {
            throw new InvalidRecordException($"Record batch is {batch.Length} bytes, shorter than the {RecordBatchHeader.Size}-byte header.");
        }
    }
}
