using System.Buffers.Binary;
using System.Text;

namespace OrleansLog.Records;

/// <summary>Builds one Kafka record batch v2 at a time, encoding records straight into a pooled buffer (no allocation per record).</summary>
public sealed class RecordBatchBuilder : IDisposable
{
    private readonly PooledByteBuffer _records;
    private long _baseTimestamp;
    private long _maxTimestamp;
    private bool _disposed;

    /// <summary>Creates a builder for batches compressed with <paramref name="compression"/>.</summary>
    public RecordBatchBuilder(CompressionType compression = CompressionType.None, int initialCapacity = 16 * 1024)
    {
        if (compression > CompressionType.Zstd)
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "Compression must be None, Gzip, Snappy, Lz4 or Zstd.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        Compression = compression;
        _records = new PooledByteBuffer(initialCapacity);
    }

    /// <summary>The codec the built batches use.</summary>
    public CompressionType Compression { get; }

    /// <summary>The number of records appended since the last build or reset.</summary>
    public int RecordCount { get; private set; }

    /// <summary>The header plus the records encoded so far, uncompressed: compare it with <c>batch.size</c>.</summary>
    public int EstimatedSize => RecordBatchHeader.Size + _records.Length;

    /// <summary>Appends a record; the spans are copied into the batch, and <paramref name="keyIsNull"/> / <paramref name="valueIsNull"/> mark a null key or value (as opposed to empty).</summary>
    public void Append(long timestamp, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<RecordHeader> headers = default, bool keyIsNull = false, bool valueIsNull = false)
    {
        long headersSize = 0;
        for (int i = 0; i < headers.Length; i++)
        {
            headersSize += HeaderSize(headers[i], i);
        }

        Span<byte> target = BeginRecord(timestamp, key.Length, value.Length, keyIsNull, valueIsNull, headers.Length, headersSize, out int pos);
        pos = WriteBytes(target, pos, key, keyIsNull);
        pos = WriteBytes(target, pos, value, valueIsNull);
        pos += VarInt.Write(target[pos..], headers.Length);
        for (int i = 0; i < headers.Length; i++)
        {
            pos = WriteHeader(target, pos, headers[i]);
        }

        EndRecord(pos);
    }

    /// <summary>Appends a record; a null <paramref name="key"/> or <paramref name="value"/> is stored as null (length -1).</summary>
    public void Append(long timestamp, byte[]? key, byte[]? value, IReadOnlyList<RecordHeader>? headers = null)
    {
        int headerCount = headers?.Count ?? 0;
        long headersSize = 0;
        for (int i = 0; i < headerCount; i++)
        {
            headersSize += HeaderSize(headers![i], i);
        }

        Span<byte> target = BeginRecord(timestamp, key?.Length ?? 0, value?.Length ?? 0, key is null, value is null, headerCount, headersSize, out int pos);
        pos = WriteBytes(target, pos, key, key is null);
        pos = WriteBytes(target, pos, value, value is null);
        pos += VarInt.Write(target[pos..], headerCount);
        for (int i = 0; i < headerCount; i++)
        {
            pos = WriteHeader(target, pos, headers![i]);
        }

        EndRecord(pos);
    }

    /// <summary>Compresses the records (if a codec is set), writes the header and CRC, returns the batch as a new exact-size array, and resets the builder.</summary>
    /// <exception cref="InvalidOperationException">No record was appended.</exception>
    public byte[] Build(long baseOffset = 0, long producerId = -1, short producerEpoch = -1, int baseSequence = -1, int partitionLeaderEpoch = -1)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (RecordCount == 0)
        {
            throw new InvalidOperationException("Cannot build a record batch with no records; append at least one record first.");
        }

        byte[] batch;
        if (Compression == CompressionType.None)
        {
            batch = AllocateBatch(_records.Length);
            _records.WrittenSpan.CopyTo(batch.AsSpan(RecordBatchHeader.Size));
        }
        else
        {
            using var compressed = new PooledByteBuffer(_records.Length / 2 + 64);
            RecordCompression.Compress(Compression, _records.WrittenSpan, compressed);
            batch = AllocateBatch(compressed.Length);
            compressed.WrittenSpan.CopyTo(batch.AsSpan(RecordBatchHeader.Size));
        }

        Span<byte> h = batch;
        BinaryPrimitives.WriteInt64BigEndian(h[RecordBatchHeader.BaseOffsetOffset..], baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(h[RecordBatchHeader.BatchLengthOffset..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(h[RecordBatchHeader.PartitionLeaderEpochOffset..], partitionLeaderEpoch);
        h[RecordBatchHeader.MagicOffset] = RecordBatch.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(h[RecordBatchHeader.AttributesOffset..], (short)Compression);
        BinaryPrimitives.WriteInt32BigEndian(h[RecordBatchHeader.LastOffsetDeltaOffset..], RecordCount - 1);
        BinaryPrimitives.WriteInt64BigEndian(h[RecordBatchHeader.BaseTimestampOffset..], _baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(h[RecordBatchHeader.MaxTimestampOffset..], _maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(h[RecordBatchHeader.ProducerIdOffset..], producerId);
        BinaryPrimitives.WriteInt16BigEndian(h[RecordBatchHeader.ProducerEpochOffset..], producerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(h[RecordBatchHeader.BaseSequenceOffset..], baseSequence);
        BinaryPrimitives.WriteInt32BigEndian(h[RecordBatchHeader.RecordCountOffset..], RecordCount);
        BinaryPrimitives.WriteUInt32BigEndian(h[RecordBatchHeader.CrcOffset..], Crc32C.Compute(h[RecordBatchHeader.AttributesOffset..]));

        Reset();
        return batch;
    }

    /// <summary>Discards the records appended so far, keeping the buffer for the next batch.</summary>
    public void Reset()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _records.Clear();
        RecordCount = 0;
        _baseTimestamp = 0;
        _maxTimestamp = 0;
    }

    /// <summary>Returns the pooled buffer.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _records.Dispose();
        }
    }

    private static byte[] AllocateBatch(int recordsLength)
    {
        if (recordsLength > Array.MaxLength - RecordBatchHeader.Size)
        {
            throw new InvalidOperationException($"A record batch of {recordsLength} record bytes does not fit in one array; build smaller batches.");
        }

        return new byte[RecordBatchHeader.Size + recordsLength];
    }

    private static long HeaderSize(in RecordHeader header, int index)
    {
        if (header.Key is null)
        {
            throw new ArgumentException($"Record header {index} has a null key; header keys are required.", nameof(header));
        }

        int keyBytes = Encoding.UTF8.GetByteCount(header.Key);
        long size = VarInt.SizeOf(keyBytes) + (long)keyBytes;
        size += header.Value is null ? VarInt.SizeOf(-1) : VarInt.SizeOf(header.Value.Length) + (long)header.Value.Length;
        return size;
    }

    private Span<byte> BeginRecord(long timestamp, int keyLength, int valueLength, bool keyIsNull, bool valueIsNull, int headerCount, long headersSize, out int pos)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (RecordCount == int.MaxValue)
        {
            throw new InvalidOperationException("A record batch cannot hold more than int.MaxValue records.");
        }

        long timestampDelta = RecordCount == 0 ? 0 : timestamp - _baseTimestamp;
        long bodySize = 1
            + VarInt.SizeOf(timestampDelta)
            + VarInt.SizeOf(RecordCount)
            + (keyIsNull ? VarInt.SizeOf(-1) : VarInt.SizeOf(keyLength) + (long)keyLength)
            + (valueIsNull ? VarInt.SizeOf(-1) : VarInt.SizeOf(valueLength) + (long)valueLength)
            + VarInt.SizeOf(headerCount)
            + headersSize;
        if (bodySize > Array.MaxLength - RecordBatchHeader.Size - VarInt.MaxVarIntBytes - (long)_records.Length)
        {
            throw new InvalidOperationException($"A record of {bodySize} bytes does not fit in the batch buffer; build smaller batches or records.");
        }

        if (RecordCount == 0)
        {
            _baseTimestamp = timestamp;
            _maxTimestamp = timestamp;
        }
        else if (timestamp > _maxTimestamp)
        {
            _maxTimestamp = timestamp;
        }

        int body = (int)bodySize;
        Span<byte> target = _records.GetSpan(VarInt.SizeOf(body) + body);
        pos = VarInt.Write(target, body);
        target[pos++] = 0; // record attributes: unused in v2
        pos += VarInt.Write(target[pos..], timestampDelta);
        pos += VarInt.Write(target[pos..], RecordCount);
        return target;
    }

    private void EndRecord(int length)
    {
        _records.Advance(length);
        RecordCount++;
    }

    private static int WriteBytes(Span<byte> target, int pos, ReadOnlySpan<byte> data, bool isNull)
    {
        if (isNull)
        {
            return pos + VarInt.Write(target[pos..], -1);
        }

        pos += VarInt.Write(target[pos..], data.Length);
        data.CopyTo(target[pos..]);
        return pos + data.Length;
    }

    private static int WriteHeader(Span<byte> target, int pos, in RecordHeader header)
    {
        int keyBytes = Encoding.UTF8.GetByteCount(header.Key);
        pos += VarInt.Write(target[pos..], keyBytes);
        pos += Encoding.UTF8.GetBytes(header.Key, target[pos..]);
        return WriteBytes(target, pos, header.Value, header.Value is null);
    }
}
