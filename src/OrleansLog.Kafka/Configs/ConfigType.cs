namespace OrleansLog.Kafka.Configs;

/// <summary>The data type of a described config (DescribeConfigs v3+), as Kafka numbers it.</summary>
internal enum ConfigType : sbyte
{
    /// <summary>Not known.</summary>
    Unknown = 0,

    /// <summary>true or false.</summary>
    Boolean = 1,

    /// <summary>Free text, or one of a set of names.</summary>
    String = 2,

    /// <summary>A 32-bit integer.</summary>
    Int = 3,

    /// <summary>A 16-bit integer.</summary>
    Short = 4,

    /// <summary>A 64-bit integer.</summary>
    Long = 5,

    /// <summary>A floating-point number.</summary>
    Double = 6,

    /// <summary>Comma-separated values; the only type IncrementalAlterConfigs may append to or subtract from.</summary>
    List = 7,
}
