using System.Text;
using OrleansLog.Client.Partitioning;

namespace OrleansLog.Tests.Partitioning;

public sealed class Murmur2Tests
{
    // Kafka's UtilsTest.testMurmur2.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Hash_matches_Kafkas_Utils_murmur2(string key, int expected)
    {
        Assert.Equal(expected, Murmur2.Hash(Encoding.ASCII.GetBytes(key)));
    }

    // librdkafka tests/0048-partitioner.c, murmur2 column (values from Kafka's Java Murmur2 via tests/java/Murmur2Cli), masked to 31 bits.
    [Theory]
    [InlineData("", 0x106e08d9)]
    [InlineData("23456", 0x058d780f)]
    [InlineData("this is another string with more length to it perhaps", 0x4f7703da)]
    [InlineData("hejsan", 0x5ec19395)]
    public void Positive_hash_matches_librdkafkas_murmur2_vectors(string key, int expected)
    {
        Assert.Equal(expected, Murmur2.Hash(Encoding.ASCII.GetBytes(key)) & 0x7fffffff);
    }
}
