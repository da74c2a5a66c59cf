namespace OrleansLog.Records;

/// <summary>The codec of a record batch's records, as stored in bits 0-2 of the batch attributes (Kafka's numbering).</summary>
public enum CompressionType : byte
{
    /// <summary>Records are stored uncompressed.</summary>
    None = 0,

    /// <summary>Records are one gzip stream.</summary>
    Gzip = 1,

    /// <summary>Records are one snappy stream in xerial (snappy-java) framing.</summary>
    Snappy = 2,

    /// <summary>Records are one LZ4 frame.</summary>
    Lz4 = 3,

    /// <summary>Records are one zstd frame.</summary>
    Zstd = 4,
}
