namespace OrleansLog.Records;

/// <summary>One decoded record; its key, value and headers are slices of the batch's (possibly decompressed) buffer, not copies.</summary>
public readonly struct Record
{
    private readonly ReadOnlyMemory<byte> _headers;

    internal Record(
        long offset,
        long timestamp,
        TimestampType timestampType,
        ReadOnlyMemory<byte> key,
        bool isKeyNull,
        ReadOnlyMemory<byte> value,
        bool isValueNull,
        int headerCount,
        ReadOnlyMemory<byte> headers)
    {
        Offset = offset;
        Timestamp = timestamp;
        TimestampType = timestampType;
        Key = key;
        IsKeyNull = isKeyNull;
        Value = value;
        IsValueNull = isValueNull;
        HeaderCount = headerCount;
        _headers = headers;
    }

    /// <summary>The record's offset in its partition.</summary>
    public long Offset { get; }

    /// <summary>The record's timestamp in milliseconds since the Unix epoch.</summary>
    public long Timestamp { get; }

    /// <summary>Whether <see cref="Timestamp"/> is the producer's create time or the log-append time.</summary>
    public TimestampType TimestampType { get; }

    /// <summary>True when the record has no key (as opposed to an empty key).</summary>
    public bool IsKeyNull { get; }

    /// <summary>The key bytes; empty when <see cref="IsKeyNull"/>.</summary>
    public ReadOnlyMemory<byte> Key { get; }

    /// <summary>True when the record has no value (a tombstone in a compacted topic).</summary>
    public bool IsValueNull { get; }

    /// <summary>The value bytes; empty when <see cref="IsValueNull"/>.</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The number of headers.</summary>
    public int HeaderCount { get; }

    /// <summary>Decodes the headers into a new array (allocates; call it only when the headers are wanted).</summary>
    public RecordHeader[] GetHeaders() => RecordDecoder.ReadHeaders(_headers.Span, HeaderCount);
}
