namespace OrleansLog.Client;

/// <summary>What an offset reset does: which topic (and partitions), and where to move the committed offsets.</summary>
public sealed record OffsetResetSpec
{
    /// <summary>The topic whose offsets move.</summary>
    public required string Topic { get; init; }

    /// <summary>The partitions to reset; null for every partition of the topic.</summary>
    public IReadOnlyList<int>? Partitions { get; init; }

    /// <summary>Where to move them.</summary>
    public required OffsetResetKind Kind { get; init; }

    /// <summary>The offset for <see cref="OffsetResetKind.ToOffset"/>, or the shift for <see cref="OffsetResetKind.ShiftBy"/>.</summary>
    public long Value { get; init; }

    /// <summary>The time for <see cref="OffsetResetKind.ToDatetime"/>.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Resets to the log start offset.</summary>
    public static OffsetResetSpec ToEarliest(string topic, IReadOnlyList<int>? partitions = null) => new() { Topic = topic, Partitions = partitions, Kind = OffsetResetKind.ToEarliest };

    /// <summary>Resets to the log end offset.</summary>
    public static OffsetResetSpec ToLatest(string topic, IReadOnlyList<int>? partitions = null) => new() { Topic = topic, Partitions = partitions, Kind = OffsetResetKind.ToLatest };

    /// <summary>Resets to <paramref name="offset"/>.</summary>
    public static OffsetResetSpec ToOffset(string topic, long offset, IReadOnlyList<int>? partitions = null) => new() { Topic = topic, Partitions = partitions, Kind = OffsetResetKind.ToOffset, Value = offset };

    /// <summary>Resets to the first offset at or after <paramref name="timestamp"/>.</summary>
    public static OffsetResetSpec ToDatetime(string topic, DateTimeOffset timestamp, IReadOnlyList<int>? partitions = null) => new() { Topic = topic, Partitions = partitions, Kind = OffsetResetKind.ToDatetime, Timestamp = timestamp };

    /// <summary>Moves the committed offsets by <paramref name="shift"/>.</summary>
    public static OffsetResetSpec ShiftBy(string topic, long shift, IReadOnlyList<int>? partitions = null) => new() { Topic = topic, Partitions = partitions, Kind = OffsetResetKind.ShiftBy, Value = shift };
}
