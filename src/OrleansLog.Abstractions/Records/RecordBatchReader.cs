using OrleansLog.Errors;

namespace OrleansLog.Records;

/// <summary>Opens one record batch for reading its records, decompressing them once (bounded) when the batch has a codec.</summary>
public static class RecordBatchReader
{
    /// <summary>Checks the batch (magic, length, optionally CRC) and returns its records; a batch whose records expand beyond <paramref name="maxDecompressedBytes"/> throws <see cref="InvalidRecordException"/>.</summary>
    public static RecordBatchRecords ReadRecords(ReadOnlyMemory<byte> batch, bool verifyCrc = true, int maxDecompressedBytes = 64 * 1024 * 1024)
    {
        ReadOnlySpan<byte> span = batch.Span;
        RecordBatchHeader header = RecordBatch.CheckFraming(span);
        if (verifyCrc)
        {
            RecordBatch.CheckCrc(span, header);
        }

        RecordBatch.CheckCodec(header);
        if (header.RecordCount < 0)
        {
            throw new InvalidRecordException($"Record batch declares {header.RecordCount} records; the count cannot be negative.");
        }

        ReadOnlyMemory<byte> records = batch[RecordBatchHeader.Size..];
        if (header.Compression != CompressionType.None)
        {
            using var buffer = new PooledByteBuffer(RecordBatch.InitialDecompressCapacity(records.Length, maxDecompressedBytes));
            RecordCompression.Decompress(header.Compression, records.Span, maxDecompressedBytes, buffer);

            // The records outlive this call (the app keeps keys and values), so they get their own array.
            records = buffer.ToArray();
        }

        return new RecordBatchRecords(header, records);
    }
}
