namespace OrleansLog.Client.Partitioning;

/// <summary>Key-to-partition mappings identical to Kafka's Java client and to librdkafka, so a key lands where the user's other Kafka clients put it.</summary>
public static class KafkaPartitioner
{
    /// <summary>The partition for a key under Kafka's Java default partitioner: <c>(murmur2(key) &amp; 0x7fffffff) % partitionCount</c> (BuiltInPartitioner.partitionForKey).</summary>
    public static int Murmur2Partition(ReadOnlySpan<byte> key, int partitionCount)
    {
        CheckPartitionCount(partitionCount);
        return (Murmur2.Hash(key) & 0x7fffffff) % partitionCount;
    }

    /// <summary>The partition for a key under librdkafka's <c>consistent</c> partitioner: <c>crc32(key) % partitionCount</c>, unsigned.</summary>
    public static int ConsistentPartition(ReadOnlySpan<byte> key, int partitionCount)
    {
        CheckPartitionCount(partitionCount);
        return (int)(Crc32.Compute(key) % (uint)partitionCount);
    }

    /// <summary>The partition <paramref name="type"/> assigns to a key, or -1 when it leaves the choice to the producer (sticky or random), as it does for null keys (and for empty keys under <see cref="PartitionerType.ConsistentRandom"/>).</summary>
    public static int PartitionForKey(PartitionerType type, ReadOnlySpan<byte> key, bool keyIsNull, int partitionCount)
    {
        switch (type)
        {
            case PartitionerType.Murmur2Random:
                return keyIsNull ? -1 : Murmur2Partition(key, partitionCount);
            case PartitionerType.Consistent:
                return ConsistentPartition(keyIsNull ? default : key, partitionCount);
            case PartitionerType.ConsistentRandom:
                return keyIsNull || key.IsEmpty ? -1 : ConsistentPartition(key, partitionCount);
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown partitioner type.");
        }
    }

    private static void CheckPartitionCount(int partitionCount)
    {
        if (partitionCount <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(partitionCount), partitionCount, "The partition count must be at least 1.");
        }
    }
}
