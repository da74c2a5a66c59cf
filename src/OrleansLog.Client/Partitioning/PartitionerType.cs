namespace OrleansLog.Client.Partitioning;

/// <summary>How a producer maps a record key to a partition, matching the mappings of Kafka's clients.</summary>
public enum PartitionerType
{
    /// <summary>Kafka's Java client default: murmur2 of the key; records without a key stick to one partition per batch.</summary>
    Murmur2Random = 0,

    /// <summary>librdkafka's <c>consistent</c>: CRC-32 of the key modulo the partition count; null and empty keys hash like empty data (partition 0).</summary>
    Consistent = 1,

    /// <summary>librdkafka's <c>consistent_random</c>: CRC-32 of the key; null and empty keys go to a random partition.</summary>
    ConsistentRandom = 2,
}
