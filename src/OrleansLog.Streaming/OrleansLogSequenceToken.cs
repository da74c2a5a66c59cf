using System.Globalization;
using Orleans.Streams;

namespace OrleansLog.Streaming;

/// <summary>
/// Where an event is in its queue's partition: the record's offset, and the event's index among the events of that record (always 0:
/// each record holds one event). Subscribe with one to start at any retained offset, or make one with <see cref="AtTimestamp"/> to
/// start at the first event written at or after a time.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("OrleansLog.Streaming.OrleansLogSequenceToken")]
public sealed class OrleansLogSequenceToken : StreamSequenceToken
{
    /// <summary>A token at <paramref name="offset"/> (a subscription made with it starts with that record).</summary>
    public OrleansLogSequenceToken(long offset, int eventIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(eventIndex);
        SequenceNumber = offset;
        EventIndex = eventIndex;
        Timestamp = -1;
    }

    private OrleansLogSequenceToken(DateTimeOffset timestamp)
    {
        SequenceNumber = -1;
        Timestamp = timestamp.ToUnixTimeMilliseconds();
    }

    /// <summary>The record's offset in the partition; -1 for a token made by <see cref="AtTimestamp"/>.</summary>
    [Id(0)]
    public override long SequenceNumber { get; protected set; }

    /// <summary>The event's index within its record.</summary>
    [Id(1)]
    public override int EventIndex { get; protected set; }

    /// <summary>For a token made by <see cref="AtTimestamp"/>: the time in Unix milliseconds; otherwise -1.</summary>
    [Id(2)]
    public long Timestamp { get; private set; }

    /// <summary>The record's offset (the same as <see cref="SequenceNumber"/>).</summary>
    public long Offset => SequenceNumber;

    /// <summary>
    /// True for the token of an event the provider read (what subscribers receive and hand back as their last delivered token),
    /// false for one an app made to start a subscription.
    /// </summary>
    [Id(3)]
    internal bool IsEventToken { get; private init; }

    /// <summary>The token of the event read at <paramref name="offset"/>.</summary>
    internal static OrleansLogSequenceToken ForEvent(long offset) => new(offset) { IsEventToken = true };

    /// <summary>A start token for the first event written at or after <paramref name="timestamp"/> (by record timestamp, as Kafka's ListOffsets).</summary>
    public static OrleansLogSequenceToken AtTimestamp(DateTimeOffset timestamp) => new(timestamp);

    /// <inheritdoc />
    public override bool Equals(StreamSequenceToken? other) =>
        other is OrleansLogSequenceToken token && token.SequenceNumber == SequenceNumber && token.EventIndex == EventIndex && token.Timestamp == Timestamp;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as StreamSequenceToken);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SequenceNumber, EventIndex, Timestamp);

    /// <inheritdoc />
    public override int CompareTo(StreamSequenceToken? other)
    {
        if (other is null)
        {
            return 1;
        }

        if (other is not OrleansLogSequenceToken)
        {
            throw new ArgumentOutOfRangeException(nameof(other), $"An OrleansLog sequence token cannot be compared with a {other.GetType().Name}.");
        }

        var byOffset = SequenceNumber.CompareTo(other.SequenceNumber);
        return byOffset != 0 ? byOffset : EventIndex.CompareTo(other.EventIndex);
    }

    /// <inheritdoc />
    public override string ToString() => Timestamp >= 0
        ? string.Create(CultureInfo.InvariantCulture, $"[timestamp {DateTimeOffset.FromUnixTimeMilliseconds(Timestamp):O}]")
        : string.Create(CultureInfo.InvariantCulture, $"[offset {SequenceNumber}, event {EventIndex}]");
}
