namespace OrleansLog.Partitions;

/// <summary>The special timestamps of a list-offsets request, as Kafka numbers them.</summary>
public static class OffsetSpec
{
    /// <summary>The log end offset (the offset the next record will get).</summary>
    public const long Latest = -1;

    /// <summary>The log start offset (the first offset retention kept).</summary>
    public const long Earliest = -2;
}
