using System.Buffers;
using System.Buffers.Binary;
using OrleansLog.Errors;
using OrleansLog.Records;
using OrleansLog.Topics;

namespace OrleansLog.Partitions;

/// <summary>
/// The batches of one append, checked and with their headers parsed, once: the idempotence checks and the offset assignment work
/// from these headers instead of reading each batch again. The header array is pooled; dispose returns it.
/// </summary>
internal readonly struct ValidatedBatches : IDisposable
{
    // Field positions of Kafka's RecordBatch v2 header, read before the batch's CRC is known to be good.
    private const int BatchLengthOffset = 8;
    private const int LogOverhead = 12;
    private const int AttributesOffset = 21;
    private const short CompressionMask = 0x07;

    private readonly RecordBatchHeader[] _headers;

    private ValidatedBatches(byte[] buffer, RecordBatchHeader[] headers, int count)
    {
        Buffer = buffer;
        _headers = headers;
        Count = count;
    }

    /// <summary>The batches, back to back, as the producer sent them; the log patches offsets and epochs into it in place.</summary>
    public byte[] Buffer { get; }

    /// <summary>How many batches the append carries.</summary>
    public int Count { get; }

    /// <summary>The headers, in order, as the producer sent them.</summary>
    public ReadOnlySpan<RecordBatchHeader> Headers => _headers.AsSpan(0, Count);

    /// <summary>
    /// Checks every batch of an append before any is appended, so a bad batch rejects the whole call and writes nothing.
    /// Uncompressed batches are checked record by record; compressed ones by their framing and CRC (decompressing every batch on
    /// the way in would cost more than the append itself).
    /// </summary>
    /// <remarks>With <paramref name="requireKeys"/> (a compacted topic) every record must have a key, so compressed batches are decompressed too.</remarks>
    /// <exception cref="InvalidRecordException">A batch is truncated, corrupt, transactional or a control batch, or there is none; or a record has no key where one is required.</exception>
    /// <exception cref="RecordTooLargeException">A batch is larger than the topic's max.message.bytes.</exception>
    public static ValidatedBatches Validate(byte[] batches, int maxMessageBytes, string topic, bool requireKeys = false)
    {
        if (batches.Length == 0)
        {
            throw new InvalidRecordException("The append carried no record batch.");
        }

        var headers = ArrayPool<RecordBatchHeader>.Shared.Rent(4);
        var count = 0;
        try
        {
            var position = 0;
            while (position < batches.Length)
            {
                var remaining = batches.AsSpan(position);
                var size = DeclaredSize(remaining, position, maxMessageBytes, topic);
                var batch = remaining[..size];
                var compressed = (BinaryPrimitives.ReadInt16BigEndian(batch[AttributesOffset..]) & CompressionMask) != 0;
                var header = RecordBatch.Validate(batch, maxMessageBytes, deep: !compressed);
                if (header.IsControl || header.IsTransactional)
                {
                    throw new InvalidRecordException("Transactional and control batches are not supported.");
                }

                if (requireKeys && RecordBatchFilter.FindRecordWithoutKey(batch) is var keyless and >= 0)
                {
                    throw new InvalidRecordException(
                        $"Record {keyless} of the batch at byte {position} has no key, and {topic} is a compacted topic: compaction keeps the newest record of each key, so every record needs one. Send it with a key.");
                }

                if (count == headers.Length)
                {
                    var larger = ArrayPool<RecordBatchHeader>.Shared.Rent(count * 2);
                    headers.AsSpan().CopyTo(larger);
                    ArrayPool<RecordBatchHeader>.Shared.Return(headers);
                    headers = larger;
                }

                headers[count++] = header;
                position += size;
            }
        }
        catch
        {
            ArrayPool<RecordBatchHeader>.Shared.Return(headers);
            throw;
        }

        return new ValidatedBatches(batches, headers, count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_headers is not null)
        {
            ArrayPool<RecordBatchHeader>.Shared.Return(_headers);
        }
    }

    // The length field alone, checked against what is left, so a truncated batch is reported as truncated rather than as a CRC error.
    private static int DeclaredSize(ReadOnlySpan<byte> remaining, int position, int maxMessageBytes, string topic)
    {
        if (remaining.Length < RecordBatchHeader.Size)
        {
            throw new InvalidRecordException($"Record batch at byte {position} is truncated: {remaining.Length} bytes left, a batch header needs {RecordBatchHeader.Size}.");
        }

        var size = BinaryPrimitives.ReadInt32BigEndian(remaining[BatchLengthOffset..]) + (long)LogOverhead;
        if (size <= remaining.Length && size >= RecordBatchHeader.Size)
        {
            return (int)size;
        }

        if (size > maxMessageBytes)
        {
            throw new RecordTooLargeException($"Record batch at byte {position} declares {size} bytes; {topic} accepts at most {maxMessageBytes} (max.message.bytes).");
        }

        throw new InvalidRecordException($"Record batch at byte {position} declares {size} bytes but {remaining.Length} remain; the batch is truncated or corrupt.");
    }
}
