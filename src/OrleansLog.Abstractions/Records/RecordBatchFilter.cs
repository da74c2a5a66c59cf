using System.Buffers.Binary;
using OrleansLog.Errors;

namespace OrleansLog.Records;

/// <summary>Decides, record by record, what a rewrite of a batch keeps (log compaction).</summary>
internal interface IRecordRetention
{
    /// <summary>True to keep the record at <paramref name="offset"/> with <paramref name="key"/> (<paramref name="isTombstone"/>: its value is null).</summary>
    bool Keep(long offset, ReadOnlySpan<byte> key, bool keyIsNull, bool isTombstone);
}

/// <summary>Sees each record's key and value (schema validation on append).</summary>
internal interface IRecordContentVisitor
{
    /// <summary>Record <paramref name="index"/> of the batch; a null key or value is an empty span with its flag set.</summary>
    void Visit(int index, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull);
}

/// <summary>What <see cref="RecordBatchFilter.Filter{TRetention}"/> did with a batch.</summary>
/// <remarks>With a delete horizon to stamp, a batch that keeps anything is always rewritten (<see cref="KeptSome"/>).</remarks>
internal enum BatchFilterResult
{
    /// <summary>Every record stays: the original bytes can be kept as they are.</summary>
    KeptAll,

    /// <summary>No record stays: the batch disappears.</summary>
    KeptNone,

    /// <summary>Some records stay: the new batch was written to the output.</summary>
    KeptSome,
}

/// <summary>
/// Rewrites a v2 batch keeping only some of its records, as Kafka's log cleaner does: the kept records' bytes are copied as
/// they are (their offset and timestamp deltas still hold, because the base offset, base timestamp and the header's last offset
/// delta do not change), compressed again with the batch's codec, and given a new length, record count and CRC. The producer
/// id, epoch and base sequence stay, so the batch still says which producer wrote which sequences.
/// </summary>
internal static class RecordBatchFilter
{
    /// <summary>
    /// Filters <paramref name="batch"/> (whole, CRC checked) through <paramref name="retention"/>; when only some records stay, appends
    /// the rewritten batch to <paramref name="output"/>. With <paramref name="deleteHorizonMs"/> (not negative) the rewritten batch
    /// also carries that delete horizon as Kafka's KIP-534 stamps it: the attribute bit 0x40 set, the base timestamp set to the
    /// horizon, and each record's timestamp delta made relative to it, so every record keeps its timestamp.
    /// </summary>
    /// <exception cref="InvalidRecordException">The batch is corrupt.</exception>
    public static BatchFilterResult Filter<TRetention>(
        ReadOnlySpan<byte> batch, ref TRetention retention, PooledByteBuffer output, long deleteHorizonMs = -1, int maxDecompressedBytes = 64 * 1024 * 1024)
        where TRetention : struct, IRecordRetention
    {
        var header = Open(batch, verifyCrc: true, maxDecompressedBytes, out var decompressed);
        using var owner = decompressed;
        if (header.IsControl)
        {
            return BatchFilterResult.KeptAll;
        }

        ReadOnlySpan<byte> records = decompressed is null ? batch[RecordBatchHeader.Size..] : decompressed.WrittenSpan;
        using var kept = new PooledByteBuffer(records.Length);
        var keptCount = 0;
        var position = 0;
        for (var i = 0; i < header.RecordCount; i++)
        {
            var start = position;
            RecordDecoder.Read(records, ref position, i, out var fields);
            var key = fields.KeyLength < 0 ? default : records.Slice(fields.KeyStart, fields.KeyLength);
            if (retention.Keep(header.BaseOffset + fields.OffsetDelta, key, fields.KeyLength < 0, fields.ValueLength < 0))
            {
                if (deleteHorizonMs >= 0)
                {
                    WriteRebased(records[start..position], header.BaseTimestamp + fields.TimestampDelta - deleteHorizonMs, kept);
                }
                else
                {
                    kept.Write(records[start..position]);
                }

                keptCount++;
            }
        }

        RecordDecoder.CheckFullyConsumed(records.Length, position, header.RecordCount);
        if (keptCount == header.RecordCount && deleteHorizonMs < 0)
        {
            return BatchFilterResult.KeptAll;
        }

        if (keptCount == 0)
        {
            return BatchFilterResult.KeptNone;
        }

        var headerStart = output.Length;
        output.Write(batch[..RecordBatchHeader.Size]);
        if (header.Compression == CompressionType.None)
        {
            output.Write(kept.WrittenSpan);
        }
        else
        {
            RecordCompression.Compress(header.Compression, kept.WrittenSpan, output);
        }

        var h = output.WrittenFrom(headerStart);
        BinaryPrimitives.WriteInt32BigEndian(h[RecordBatchHeader.BatchLengthOffset..], h.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(h[RecordBatchHeader.RecordCountOffset..], keptCount);
        if (deleteHorizonMs >= 0)
        {
            BinaryPrimitives.WriteInt16BigEndian(h[RecordBatchHeader.AttributesOffset..], (short)(header.Attributes | RecordBatchHeader.DeleteHorizonMask));
            BinaryPrimitives.WriteInt64BigEndian(h[RecordBatchHeader.BaseTimestampOffset..], deleteHorizonMs);
        }

        BinaryPrimitives.WriteUInt32BigEndian(h[RecordBatchHeader.CrcOffset..], Crc32C.Compute(h[RecordBatchHeader.AttributesOffset..]));
        return BatchFilterResult.KeptSome;
    }

    /// <summary>
    /// Shows every record of <paramref name="batch"/> to <paramref name="visitor"/>, copying nothing; the CRC is checked unless
    /// <paramref name="verifyCrc"/> is false (the caller checked it already).
    /// </summary>
    /// <exception cref="InvalidRecordException">The batch is corrupt.</exception>
    public static void Visit<TVisitor>(ReadOnlySpan<byte> batch, ref TVisitor visitor, bool verifyCrc = true, int maxDecompressedBytes = 64 * 1024 * 1024)
        where TVisitor : struct, IRecordRetention
    {
        var header = Open(batch, verifyCrc, maxDecompressedBytes, out var decompressed);
        using var owner = decompressed;
        ReadOnlySpan<byte> records = decompressed is null ? batch[RecordBatchHeader.Size..] : decompressed.WrittenSpan;
        var position = 0;
        for (var i = 0; i < header.RecordCount && !header.IsControl; i++)
        {
            RecordDecoder.Read(records, ref position, i, out var fields);
            var key = fields.KeyLength < 0 ? default : records.Slice(fields.KeyStart, fields.KeyLength);
            visitor.Keep(header.BaseOffset + fields.OffsetDelta, key, fields.KeyLength < 0, fields.ValueLength < 0);
        }
    }

    /// <summary>
    /// Shows the key and value of every record of <paramref name="batch"/> to <paramref name="visitor"/>, copying nothing (a compressed
    /// batch is decompressed into a pooled buffer). For a batch that was validated already: its CRC is not checked again.
    /// </summary>
    /// <exception cref="InvalidRecordException">The batch is corrupt.</exception>
    public static void VisitContents<TVisitor>(ReadOnlySpan<byte> batch, ref TVisitor visitor, int maxDecompressedBytes = 64 * 1024 * 1024)
        where TVisitor : struct, IRecordContentVisitor
    {
        var header = Open(batch, verifyCrc: false, maxDecompressedBytes, out var decompressed);
        using var owner = decompressed;
        ReadOnlySpan<byte> records = decompressed is null ? batch[RecordBatchHeader.Size..] : decompressed.WrittenSpan;
        var position = 0;
        for (var i = 0; i < header.RecordCount && !header.IsControl; i++)
        {
            RecordDecoder.Read(records, ref position, i, out var fields);
            visitor.Visit(
                i,
                fields.KeyLength < 0 ? default : records.Slice(fields.KeyStart, fields.KeyLength),
                fields.KeyLength < 0,
                fields.ValueLength < 0 ? default : records.Slice(fields.ValueStart, fields.ValueLength),
                fields.ValueLength < 0);
        }
    }

    /// <summary>
    /// The index of the first record of <paramref name="batch"/> that has no key, or -1 when every record has one. For a batch that
    /// was validated already: its CRC is not checked again.
    /// </summary>
    /// <exception cref="InvalidRecordException">The batch is corrupt.</exception>
    public static int FindRecordWithoutKey(ReadOnlySpan<byte> batch, int maxDecompressedBytes = 64 * 1024 * 1024)
    {
        var finder = new KeylessRecordFinder();
        Visit(batch, ref finder, verifyCrc: false, maxDecompressedBytes);
        return finder.Index;
    }

    // Copies one encoded record with another timestamp delta: length, attributes and the delta are written anew, the rest as it is.
    private static void WriteRebased(ReadOnlySpan<byte> record, long timestampDelta, PooledByteBuffer output)
    {
        var position = 0;
        VarInt.TryRead(record, ref position, out int _);
        var attributes = record[position++];
        VarInt.TryRead(record, ref position, out long _);
        var rest = record[position..];
        var body = 1 + VarInt.SizeOf(timestampDelta) + rest.Length;
        var target = output.GetSpan(VarInt.SizeOf(body) + body);
        var written = VarInt.Write(target, body);
        target[written++] = attributes;
        written += VarInt.Write(target[written..], timestampDelta);
        rest.CopyTo(target[written..]);
        output.Advance(written + rest.Length);
    }

    // Checks the batch's framing, CRC (when asked) and codec, and decompresses its records when it has a codec (the caller disposes
    // the buffer).
    private static RecordBatchHeader Open(ReadOnlySpan<byte> batch, bool verifyCrc, int maxDecompressedBytes, out PooledByteBuffer? decompressed)
    {
        var header = RecordBatch.CheckFraming(batch);
        if (verifyCrc)
        {
            RecordBatch.CheckCrc(batch, header);
        }

        RecordBatch.CheckCodec(header);
        decompressed = null;
        if (header.Compression != CompressionType.None)
        {
            decompressed = new PooledByteBuffer(RecordBatch.InitialDecompressCapacity(batch.Length - RecordBatchHeader.Size, maxDecompressedBytes));
            try
            {
                RecordCompression.Decompress(header.Compression, batch[RecordBatchHeader.Size..], maxDecompressedBytes, decompressed);
            }
            catch
            {
                decompressed.Dispose();
                throw;
            }
        }

        return header;
    }

    // Notes the position of the first record without a key.
    private struct KeylessRecordFinder : IRecordRetention
    {
        private int _seen;

        public KeylessRecordFinder() => Index = -1;

        public int Index { get; private set; }

        public bool Keep(long offset, ReadOnlySpan<byte> key, bool keyIsNull, bool isTombstone)
        {
            if (keyIsNull && Index < 0)
            {
                Index = _seen;
            }

            _seen++;
            return true;
        }
    }
}
