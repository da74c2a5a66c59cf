namespace OrleansLog.Errors;

/// <summary>A fetch asked for an offset outside [log start offset, log end offset]; seek to one of them.</summary>
[GenerateSerializer]
public sealed class OffsetOutOfRangeException : OrleansLogException
{
    /// <summary>Creates the error for <paramref name="offset"/> against the log's current range.</summary>
    public OffsetOutOfRangeException(string topic, int partition, long offset, long logStartOffset, long logEndOffset)
        : base(
            ErrorCode.OffsetOutOfRange,
            $"Offset {offset} is out of range for {topic}-{partition}: the log holds offsets {logStartOffset} to {logEndOffset} (end exclusive). Seek to the start or end offset.")
    {
        Offset = offset;
        LogStartOffset = logStartOffset;
        LogEndOffset = logEndOffset;
    }

    /// <summary>The offset that was asked for.</summary>
    [Id(0)]
    public long Offset { get; }

    /// <summary>The first offset the log still holds.</summary>
    [Id(1)]
    public long LogStartOffset { get; }

    /// <summary>The offset the next record will get (the high watermark).</summary>
    [Id(2)]
    public long LogEndOffset { get; }
}
