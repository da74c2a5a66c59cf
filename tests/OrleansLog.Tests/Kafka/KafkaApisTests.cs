using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Tests.Kafka;

public sealed class KafkaApisTests
{
    // Api key, name, versions and first flexible version (-1: never) as Kafka's definitions at 1eb7644 give them.
    public static TheoryData<short, string, short, short, short> Definitions => new()
    {
        { 0, "Produce", 0, 11, 9 },
        { 1, "Fetch", 0, 17, 12 },
        { 2, "ListOffsets", 0, 10, 6 },
        { 3, "Metadata", 0, 12, 9 },
        { 8, "OffsetCommit", 0, 9, 8 },
        { 9, "OffsetFetch", 0, 9, 6 },
        { 10, "FindCoordinator", 0, 6, 3 },
        { 11, "JoinGroup", 0, 9, 6 },
        { 12, "Heartbeat", 0, 4, 4 },
        { 13, "LeaveGroup", 0, 5, 4 },
        { 14, "SyncGroup", 0, 5, 4 },
        { 15, "DescribeGroups", 0, 5, 5 },
        { 16, "ListGroups", 0, 5, 3 },
        { 17, "SaslHandshake", 0, 1, -1 },
        { 18, "ApiVersions", 0, 4, 3 },
        { 19, "CreateTopics", 0, 7, 5 },
        { 20, "DeleteTopics", 0, 6, 4 },
        { 22, "InitProducerId", 0, 5, 2 },
        { 23, "OffsetForLeaderEpoch", 0, 4, 4 },
        { 32, "DescribeConfigs", 0, 4, 4 },
        { 33, "AlterConfigs", 0, 2, 2 },
        { 36, "SaslAuthenticate", 0, 2, 2 },
        { 37, "CreatePartitions", 0, 3, 2 },
        { 42, "DeleteGroups", 0, 2, 2 },
        { 44, "IncrementalAlterConfigs", 0, 1, 1 },
        { 47, "OffsetDelete", 0, 0, -1 },
        { 60, "DescribeCluster", 0, 1, 0 },
        { 68, "ConsumerGroupHeartbeat", 0, 1, 0 },
        { 69, "ConsumerGroupDescribe", 0, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Definitions))]
    public void The_table_gives_each_api_its_versions_types_and_header_versions(short apiKey, string name, short lowest, short highest, short firstFlexible)
    {
        Assert.True(KafkaApis.TryGet(apiKey, out KafkaApi? api));
        Assert.Equal(name, api.Name);
        Assert.Equal(apiKey, (short)api.ApiKey);
        Assert.Equal(lowest, api.LowestSupportedVersion);
        Assert.Equal(highest, api.HighestSupportedVersion);
        Assert.Equal(name + "Request", api.RequestType.Name);
        Assert.Equal(name + "Response", api.ResponseType.Name);
        Assert.IsType(api.RequestType, api.CreateRequest());
        Assert.IsType(api.ResponseType, api.CreateResponse());
        Assert.Equal(apiKey, (short)api.RequestType.GetField("ApiKey")!.GetValue(null)!);

        for (short version = lowest; version <= highest + 2; version++)
        {
            bool flexible = firstFlexible >= 0 && version >= firstFlexible;
            Assert.Equal(flexible, api.IsFlexible(version));
            Assert.Equal(flexible ? 2 : 1, KafkaApis.RequestHeaderVersion(apiKey, version));
            short expectedResponseHeader = (short)(flexible && name != "ApiVersions" ? 1 : 0);
            Assert.Equal(expectedResponseHeader, KafkaApis.ResponseHeaderVersion(apiKey, version));
        }
    }

    [Fact]
    public void The_table_holds_exactly_the_served_apis_in_key_order()
    {
        short[] keys = KafkaApis.All.Select(api => (short)api.ApiKey).ToArray();
        Assert.Equal(Definitions.Select(row => (short)row[0]), keys);
        Assert.True(KafkaApis.All.Single(api => api.ApiKey == KafkaApiKey.ConsumerGroupHeartbeat).LatestVersionUnstable);
        Assert.False(KafkaApis.All.Single(api => api.ApiKey == KafkaApiKey.Produce).LatestVersionUnstable);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(4)]
    [InlineData(21)]
    [InlineData(70)]
    [InlineData(short.MaxValue)]
    public void An_unknown_api_key_is_not_found(short apiKey)
    {
        Assert.False(KafkaApis.TryGet(apiKey, out KafkaApi? api));
        Assert.Null(api);
        Assert.Throws<KafkaProtocolException>(() => KafkaApis.Get(apiKey));
    }

    [Fact]
    public void Api_key_and_version_are_peeked_from_the_first_four_bytes()
    {
        Assert.True(RequestHeader.TryPeekApiKeyAndVersion([0x00, 0x12, 0x00, 0x03, 0xAA], out short apiKey, out short apiVersion));
        Assert.Equal(18, apiKey);
        Assert.Equal(3, apiVersion);
        Assert.False(RequestHeader.TryPeekApiKeyAndVersion([0x00, 0x12, 0x00], out _, out _));
    }

    [Fact]
    public void Version_support_follows_the_definition()
    {
        KafkaApi produce = KafkaApis.Get((short)KafkaApiKey.Produce);
        Assert.True(produce.IsSupported(0));
        Assert.True(produce.IsSupported(11));
        Assert.False(produce.IsSupported(12));
        Assert.False(produce.IsSupported(-1));
    }
}
