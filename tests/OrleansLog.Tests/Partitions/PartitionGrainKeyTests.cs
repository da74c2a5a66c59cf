using OrleansLog.Partitions;

namespace OrleansLog.Tests.Partitions;

public sealed class PartitionGrainKeyTests
{
    private static readonly Guid TopicId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Fact]
    public void ToString_writes_name_id_without_dashes_and_partition()
    {
        var key = new PartitionGrainKey("orders", TopicId, 7);

        Assert.Equal("orders/0f8fad5bd9cb469fa16570867728950e/7", key.ToString());
    }

    [Theory]
    [InlineData("orders", 0)]
    [InlineData("a", 1)]
    [InlineData("my.topic-v2_x", 12)]
    [InlineData("..a", 3)]
    [InlineData("...", 4)]
    [InlineData("-", 5)]
    [InlineData("Orders.EU-west_1", int.MaxValue)]
    public void Parse_reads_back_what_ToString_wrote(string topic, int partition)
    {
        var key = new PartitionGrainKey(topic, TopicId, partition);

        var parsed = PartitionGrainKey.Parse(key.ToString());

        Assert.Equal(key, parsed);
        Assert.Equal(topic, parsed.Topic);
        Assert.Equal(TopicId, parsed.TopicId);
        Assert.Equal(partition, parsed.Partition);
    }

    [Fact]
    public void Parse_reads_back_random_keys_with_249_character_names()
    {
        const string legal = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
        var random = new Random(9);
        for (var i = 0; i < 500; i++)
        {
            var length = random.Next(2) == 0 ? 249 : random.Next(1, 30);
            var topic = new string(Enumerable.Range(0, length).Select(_ => legal[random.Next(legal.Length)]).ToArray());
            var bytes = new byte[16];
            random.NextBytes(bytes);
            var key = new PartitionGrainKey(topic, new Guid(bytes), random.Next(0, int.MaxValue));

            Assert.Equal(key, PartitionGrainKey.Parse(key.ToString()));
        }
    }

    [Fact]
    public void Parse_accepts_an_upper_case_topic_id()
    {
        var parsed = PartitionGrainKey.Parse("orders/0F8FAD5BD9CB469FA16570867728950E/2");

        Assert.Equal(new PartitionGrainKey("orders", TopicId, 2), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("orders")]
    [InlineData("orders/7")]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("/0f8fad5bd9cb469fa16570867728950e/7")]           // empty topic
    [InlineData("orders//7")]                                      // empty id
    [InlineData("orders/not-a-guid/7")]
    [InlineData("orders/0f8fad5b-d9cb-469f-a165-70867728950e/7")]  // id with dashes
    [InlineData("orders/0f8fad5bd9cb469fa16570867728950/7")]       // 31 hex digits
    [InlineData("orders/0f8fad5bd9cb469fa16570867728950e/")]       // empty partition
    [InlineData("orders/0f8fad5bd9cb469fa16570867728950e/-1")]
    [InlineData("orders/0f8fad5bd9cb469fa16570867728950e/+1")]
    [InlineData("orders/0f8fad5bd9cb469fa16570867728950e/ 1")]
    [InlineData("orders/0f8fad5bd9cb469fa16570867728950e/1 ")]
    [InlineData("orders/0f8fad5bd9cb469fa16570867728950e/1x")]
    [InlineData("orders/0f8fad5bd9cb469fa16570867728950e/2147483648")]
    [InlineData("orders/0f8fad5bd9cb469fa16570867728950e/7/")]
    [InlineData("orders/7/0f8fad5bd9cb469fa16570867728950e")]      // parts swapped
    public void Parse_rejects_a_malformed_key_with_FormatException(string key)
    {
        var ex = Assert.Throws<FormatException>(() => PartitionGrainKey.Parse(key));

        Assert.Contains($"'{key}'", ex.Message);
    }
}
