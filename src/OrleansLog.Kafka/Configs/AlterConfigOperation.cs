namespace OrleansLog.Kafka.Configs;

/// <summary>What IncrementalAlterConfigs does to one config, as Kafka numbers it.</summary>
internal enum AlterConfigOperation : sbyte
{
    /// <summary>Sets the value.</summary>
    Set = 0,

    /// <summary>Removes the override: the config goes back to its default.</summary>
    Delete = 1,

    /// <summary>Adds values to a list config (those not in it yet).</summary>
    Append = 2,

    /// <summary>Removes values from a list config.</summary>
    Subtract = 3,
}
