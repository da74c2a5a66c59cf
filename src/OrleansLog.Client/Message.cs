using OrleansLog.Records;

namespace OrleansLog.Client;

/// <summary>A record to produce, or one consumed: key, value, headers and timestamp.</summary>
public sealed class Message<TKey, TValue>
{
    /// <summary>The key; records with the same key go to the same partition.</summary>
    public TKey? Key { get; init; }

    /// <summary>The value.</summary>
    public TValue? Value { get; init; }

    /// <summary>The headers, in order; null for none.</summary>
    public IReadOnlyList<RecordHeader>? Headers { get; init; }

    /// <summary>The record's timestamp in Unix ms; when producing, null means now.</summary>
    public long? Timestamp { get; init; }
}
