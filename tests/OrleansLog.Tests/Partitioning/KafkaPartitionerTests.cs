using System.Text;
using OrleansLog.Client.Partitioning;

namespace OrleansLog.Tests.Partitioning;

public sealed class KafkaPartitionerTests
{
    private const string LongKey = "this is another string with more length to it perhaps";

    // librdkafka tests/0048-partitioner.c: expected partitions for 7 and 17 partitions ("crc32" command values).
    [Theory]
    [InlineData("", 0x0u)]
    [InlineData("23456", 0xb1b451d7u)]
    [InlineData(LongKey, 0xb0150df7u)]
    [InlineData("hejsan", 0xd077037eu)]
    public void Consistent_partition_matches_librdkafka(string key, uint crc)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(key);
        foreach (int partitions in new[] { 1, 7, 17, 100 })
        {
            Assert.Equal((int)(crc % (uint)partitions), KafkaPartitioner.ConsistentPartition(bytes, partitions));
        }
    }

    [Fact]
    public void Consistent_partition_uses_the_ieee_crc32()
    {
        // The CRC-32 check value, and the unsigned modulo librdkafka applies.
        Assert.Equal(0xCBF43926u % 1000u, (uint)KafkaPartitioner.ConsistentPartition("123456789"u8, 1000));
        Assert.Equal((int)(0xCBF43926u % 7u), KafkaPartitioner.ConsistentPartition("123456789"u8, 7));
    }

    // librdkafka tests/0048-partitioner.c, murmur2 column.
    [Theory]
    [InlineData("", 0x106e08d9)]
    [InlineData("23456", 0x058d780f)]
    [InlineData(LongKey, 0x4f7703da)]
    [InlineData("hejsan", 0x5ec19395)]
    public void Murmur2_partition_matches_librdkafka_and_the_java_client(string key, int positiveHash)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(key);
        foreach (int partitions in new[] { 1, 7, 17, 100 })
        {
            Assert.Equal(positiveHash % partitions, KafkaPartitioner.Murmur2Partition(bytes, partitions));
        }
    }

    [Fact]
    public void Murmur2_partition_masks_negative_hashes_like_BuiltInPartitioner()
    {
        // murmur2("foobar") = -790332482; (h & 0x7fffffff) = 1357151166.
        Assert.Equal(1357151166 % 3, KafkaPartitioner.Murmur2Partition("foobar"u8, 3));
        Assert.Equal(1357151166 % 17, KafkaPartitioner.Murmur2Partition("foobar"u8, 17));
    }

    [Fact]
    public void PartitionForKey_leaves_null_keys_to_the_producer_except_for_consistent()
    {
        Assert.Equal(-1, KafkaPartitioner.PartitionForKey(PartitionerType.Murmur2Random, default, keyIsNull: true, 10));
        Assert.Equal(0x106e08d9 % 10, KafkaPartitioner.PartitionForKey(PartitionerType.Murmur2Random, default, keyIsNull: false, 10));
        Assert.Equal(0, KafkaPartitioner.PartitionForKey(PartitionerType.Consistent, default, keyIsNull: true, 10));
        Assert.Equal(-1, KafkaPartitioner.PartitionForKey(PartitionerType.ConsistentRandom, default, keyIsNull: true, 10));
        Assert.Equal(-1, KafkaPartitioner.PartitionForKey(PartitionerType.ConsistentRandom, default, keyIsNull: false, 10));
        Assert.Equal((int)(0xd077037eu % 10u), KafkaPartitioner.PartitionForKey(PartitionerType.ConsistentRandom, "hejsan"u8, keyIsNull: false, 10));
    }

    [Fact]
    public void Partition_count_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KafkaPartitioner.Murmur2Partition("a"u8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KafkaPartitioner.ConsistentPartition("a"u8, -1));
    }
}
