namespace OrleansLog.Client;

/// <summary>Kafka's <c>auto.offset.reset</c>: where a consumer starts when it has no valid position.</summary>
public enum AutoOffsetReset
{
    /// <summary>Start at the end: only records produced from now on.</summary>
    Latest = 0,

    /// <summary>Start at the log start offset.</summary>
    Earliest = 1,

    /// <summary>Fail with <see cref="Errors.OffsetOutOfRangeException"/>.</summary>
    None = 2,
}
