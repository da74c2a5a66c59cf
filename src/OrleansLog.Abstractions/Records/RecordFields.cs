namespace OrleansLog.Records;

/// <summary>Where the fields of one encoded record sit in the records section: positions and lengths, no copies.</summary>
internal struct RecordFields
{
    public long TimestampDelta;
    public int OffsetDelta;
    public int KeyStart;
    public int KeyLength;     // -1 = null key
    public int ValueStart;
    public int ValueLength;   // -1 = null value
    public int HeaderCount;
    public int HeadersStart;
    public int HeadersLength;
}
