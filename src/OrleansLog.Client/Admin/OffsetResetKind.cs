namespace OrleansLog.Client;

/// <summary>Where an offset reset moves a group's committed offsets (the options of Kafka's <c>kafka-consumer-groups --reset-offsets</c>).</summary>
public enum OffsetResetKind
{
    /// <summary><c>--to-earliest</c>: the log start offset.</summary>
    ToEarliest = 0,

    /// <summary><c>--to-latest</c>: the log end offset.</summary>
    ToLatest = 1,

    /// <summary><c>--to-offset N</c>: offset N, clamped to the log's range.</summary>
    ToOffset = 2,

    /// <summary><c>--to-datetime T</c>: the first offset whose timestamp is at least T (the log end offset when there is none).</summary>
    ToDatetime = 3,

    /// <summary><c>--shift-by N</c>: the committed offset plus N (negative moves back), clamped to the log's range.</summary>
    ShiftBy = 4,
}
