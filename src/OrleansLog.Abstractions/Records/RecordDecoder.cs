using OrleansLog.Errors;

namespace OrleansLog.Records;

/// <summary>Decodes and checks the records of a v2 batch in place (Kafka's DefaultRecord layout); every length and varint is checked before use.</summary>
internal static class RecordDecoder
{
    // attributes + timestampDelta + offsetDelta + keyLength + valueLength + headerCount, one byte each at least.
    private const int MinBodySize = 6;

    /// <summary>Decodes the record at <paramref name="position"/> and moves past it; throws <see cref="InvalidRecordException"/> naming record <paramref name="index"/> if it is malformed.</summary>
    public static void Read(ReadOnlySpan<byte> records, ref int position, int index, out RecordFields fields)
    {
        fields = default;
        int pos = position;
        if (!VarInt.TryRead(records, ref pos, out int bodyLength))
        {
            throw Malformed(index, position, "its length varint is truncated or longer than 5 bytes");
        }

        if (bodyLength < MinBodySize || bodyLength > records.Length - pos)
        {
            throw Malformed(index, position, $"its length {bodyLength} is outside {MinBodySize}..{records.Length - pos} (the bytes left in the batch)");
        }

        int end = pos + bodyLength;
        ReadOnlySpan<byte> body = records[..end];
        pos++; // record attributes: unused in v2

        if (!VarInt.TryRead(body, ref pos, out fields.TimestampDelta))
        {
            throw Malformed(index, position, "its timestamp delta varlong is truncated or invalid");
        }

        if (!VarInt.TryRead(body, ref pos, out fields.OffsetDelta))
        {
            throw Malformed(index, position, "its offset delta varint is truncated or invalid");
        }

        fields.KeyStart = ReadBytesField(body, ref pos, end, index, position, "key", out fields.KeyLength);
        fields.ValueStart = ReadBytesField(body, ref pos, end, index, position, "value", out fields.ValueLength);

        if (!VarInt.TryRead(body, ref pos, out fields.HeaderCount))
        {
            throw Malformed(index, position, "its header count varint is truncated or invalid");
        }

        // Each header takes at least two bytes, which also bounds the loop below.
        if (fields.HeaderCount < 0 || fields.HeaderCount > (end - pos) / 2)
        {
            throw Malformed(index, position, $"its header count {fields.HeaderCount} is negative or exceeds what its {end - pos} remaining bytes can hold");
        }

        fields.HeadersStart = pos;
        for (int h = 0; h < fields.HeaderCount; h++)
        {
            if (!VarInt.TryRead(body, ref pos, out int keyLength) || keyLength < 0 || keyLength > end - pos)
            {
                throw Malformed(index, position, $"header {h} has a missing, negative or too long key length");
            }

            pos += keyLength;
            if (!VarInt.TryRead(body, ref pos, out int valueLength) || valueLength < -1 || valueLength > end - pos)
            {
                throw Malformed(index, position, $"header {h} has a missing, invalid or too long value length");
            }

            if (valueLength > 0)
            {
                pos += valueLength;
            }
        }

        fields.HeadersLength = pos - fields.HeadersStart;
        if (pos != end)
        {
            throw Malformed(index, position, $"its fields take {pos - (end - bodyLength)} bytes but its length says {bodyLength}");
        }

        position = end;
    }

    /// <summary>Decodes the headers of one record that <see cref="Read"/> already checked.</summary>
    public static RecordHeader[] ReadHeaders(ReadOnlySpan<byte> headers, int count)
    {
        if (count == 0)
        {
            return [];
        }

        var result = new RecordHeader[count];
        int pos = 0;
        for (int h = 0; h < count; h++)
        {
            if (!VarInt.TryRead(headers, ref pos, out int keyLength) || keyLength < 0 || keyLength > headers.Length - pos)
            {
                throw new InvalidRecordException($"Record header {h} has an invalid key length; the batch is corrupt.");
            }

            string key = System.Text.Encoding.UTF8.GetString(headers.Slice(pos, keyLength));
            pos += keyLength;
            if (!VarInt.TryRead(headers, ref pos, out int valueLength) || valueLength < -1 || valueLength > headers.Length - pos)
            {
                throw new InvalidRecordException($"Record header {h} has an invalid value length; the batch is corrupt.");
            }

            byte[]? value = null;
            if (valueLength >= 0)
            {
                value = headers.Slice(pos, valueLength).ToArray();
                pos += valueLength;
            }

            result[h] = new RecordHeader(key, value);
        }

        return result;
    }

    /// <summary>Walks all records of a batch, checking each and that they fill the records section exactly.</summary>
    /// <param name="records">The records section, uncompressed.</param>
    /// <param name="header">The batch header, for the record count and last offset delta.</param>
    /// <param name="strictOffsets">True for a producer's batch: offset deltas must be 0..count-1; false also accepts compacted batches (increasing deltas up to the last offset delta).</param>
    public static void Walk(ReadOnlySpan<byte> records, in RecordBatchHeader header, bool strictOffsets)
    {
        int pos = 0;
        int previousDelta = -1;
        for (int i = 0; i < header.RecordCount; i++)
        {
            Read(records, ref pos, i, out RecordFields fields);
            CheckOffsetDelta(fields.OffsetDelta, i, previousDelta, header, strictOffsets);
            previousDelta = fields.OffsetDelta;
        }

        CheckFullyConsumed(records.Length, pos, header.RecordCount);
    }

    public static void CheckOffsetDelta(int offsetDelta, int index, int previousDelta, in RecordBatchHeader header, bool strictOffsets)
    {
        if (strictOffsets ? offsetDelta != index : offsetDelta <= previousDelta || offsetDelta > header.LastOffsetDelta)
        {
            string rule = strictOffsets ? $"{index} (deltas must be 0..{header.RecordCount - 1})" : $"above {previousDelta} and at most the last offset delta {header.LastOffsetDelta}";
            throw new InvalidRecordException($"Record {index} of the batch has offset delta {offsetDelta}; expected {rule}. The batch is corrupt.");
        }
    }

    public static void CheckFullyConsumed(int length, int position, int recordCount)
    {
        if (position != length)
        {
            throw new InvalidRecordException(
                $"Record batch declares {recordCount} records but they take {position} of the {length} record bytes; the batch is corrupt.");
        }
    }

    private static int ReadBytesField(ReadOnlySpan<byte> body, ref int pos, int end, int index, int recordPosition, string what, out int length)
    {
        if (!VarInt.TryRead(body, ref pos, out length))
        {
            throw Malformed(index, recordPosition, $"its {what} length varint is truncated or invalid");
        }

        if (length < -1 || length > end - pos)
        {
            throw Malformed(index, recordPosition, $"its {what} length {length} is below -1 or beyond the {end - pos} bytes left in the record");
        }

        int start = pos;
        if (length > 0)
        {
            pos += length;
        }

        return start;
    }

    private static InvalidRecordException Malformed(int index, int position, string problem) =>
        new($"Record {index} (at byte {position} of the records) is malformed: {problem}; the batch is corrupt.");
}
