using OrleansLog.Kafka.Protocol;
using OrleansLog.Topics;

namespace OrleansLog.KafkaTests;

/// <summary>The topic admin APIs at the versions Confluent.Kafka does not send (flexible, with topic ids, types and documentation).</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class TopicAdminWireTests(KafkaBrokerFixture broker)
{
    private const sbyte TopicResource = 2;
    private const sbyte TopicConfigSource = 1;
    private const sbyte DefaultConfigSource = 5;

    [Fact]
    public async Task Create_topics_v7_answers_partitions_replication_factor_configs_with_sources_and_the_topic_id()
    {
        var topic = NewTopic();
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var validated = await wire.SendAsync<CreateTopicsResponse>(CreateRequest(topic, validateOnly: true), 7);
        var created = await wire.SendAsync<CreateTopicsResponse>(CreateRequest(topic, validateOnly: false), 7);

        var check = Assert.Single(validated.Topics);
        Assert.Equal(((short)0, (string?)null, Guid.Empty), (check.ErrorCode, check.ErrorMessage, check.TopicId));
        var result = Assert.Single(created.Topics);
        var native = await broker.Log.Admin.DescribeTopicAsync(topic);
        Assert.Equal((topic, (short)0, native.TopicId), (result.Name, result.ErrorCode, result.TopicId));
        foreach (var answer in new[] { check, result })
        {
            Assert.Equal((1, (short)1), (answer.NumPartitions, answer.ReplicationFactor));
            var configs = answer.Configs!.ToDictionary(c => c.Name);
            Assert.Equal(TopicConfig.Keys.Keys.Order(), configs.Keys.Order());
            Assert.Equal(("60000", TopicConfigSource), (configs["retention.ms"].Value, configs["retention.ms"].ConfigSource));
            Assert.Equal(("134217728", DefaultConfigSource), (configs["segment.bytes"].Value, configs["segment.bytes"].ConfigSource));
        }
    }

    [Fact]
    public async Task Create_topics_below_v2_is_unsupported_version_for_every_topic()
    {
        var topic = NewTopic();
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var response = await wire.SendAsync<CreateTopicsResponse>(CreateRequest(topic, validateOnly: false), 1);

        Assert.Equal((short)KafkaErrorCode.UnsupportedVersion, Assert.Single(response.Topics).ErrorCode);
        Assert.DoesNotContain(topic, await broker.Log.Admin.ListTopicsAsync());
    }

    [Fact]
    public async Task Delete_topics_v6_deletes_by_topic_id_and_answers_unknown_topic_id_for_an_id_no_topic_has()
    {
        var topic = NewTopic();
        var id = (await broker.Log.Admin.CreateTopicAsync(topic, 1)).TopicId;
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        var request = new DeleteTopicsRequest { TimeoutMs = 30_000 };
        request.Topics.Add(new DeleteTopicsRequest.DeleteTopicState { Name = null, TopicId = id });
        request.Topics.Add(new DeleteTopicsRequest.DeleteTopicState { Name = null, TopicId = Guid.NewGuid() });

        var response = await wire.SendAsync<DeleteTopicsResponse>(request, 6);

        Assert.Equal(2, response.Responses.Count);
        Assert.Equal((topic, id, (short)0), (response.Responses[0].Name, response.Responses[0].TopicId, response.Responses[0].ErrorCode));
        Assert.Equal((short)KafkaErrorCode.UnknownTopicId, response.Responses[1].ErrorCode);
        Assert.Null(response.Responses[1].Name);
        Assert.DoesNotContain(topic, await broker.Log.Admin.ListTopicsAsync());
    }

    [Fact]
    public async Task Describe_configs_v4_gives_types_documentation_and_synonyms_and_v0_gives_is_default()
    {
        var topic = NewTopic();
        await broker.Log.Admin.CreateTopicAsync(topic, 1, new Dictionary<string, string> { ["retention.ms"] = "60000" });
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var v4 = await wire.SendAsync<DescribeConfigsResponse>(DescribeRequest(topic, synonyms: true, documentation: true, keys: ["retention.ms", "cleanup.policy", "no.such"]), 4);
        var v0 = await wire.SendAsync<DescribeConfigsResponse>(DescribeRequest(topic, synonyms: false, documentation: false, keys: null), 0);

        var result = Assert.Single(v4.Results);
        Assert.Equal(((short)0, (string?)null), (result.ErrorCode, result.ErrorMessage));
        var configs = result.Configs.ToDictionary(c => c.Name);
        Assert.Equal(["cleanup.policy", "retention.ms"], configs.Keys.Order());
        var retention = configs["retention.ms"];
        Assert.Equal(("60000", TopicConfigSource, (sbyte)5, TopicConfig.Keys["retention.ms"]), (retention.Value, retention.ConfigSource, retention.ConfigType, retention.Documentation));
        Assert.Equal([("60000", TopicConfigSource), ("604800000", DefaultConfigSource)], retention.Synonyms.Select(s => (s.Value, s.Source)));
        Assert.Equal(((sbyte)7, DefaultConfigSource), (configs["cleanup.policy"].ConfigType, configs["cleanup.policy"].ConfigSource));
        var old = Assert.Single(v0.Results).Configs.ToDictionary(c => c.Name);
        Assert.Equal(TopicConfig.Keys.Count, old.Count);
        Assert.False(old["retention.ms"].IsDefault);
        Assert.True(old["segment.bytes"].IsDefault);
    }

    private static CreateTopicsRequest CreateRequest(string topic, bool validateOnly)
    {
        var request = new CreateTopicsRequest { timeoutMs = 30_000, validateOnly = validateOnly };
        var creatable = new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = -1, ReplicationFactor = -1 };
        creatable.Configs.Add(new CreateTopicsRequest.CreatableTopicConfig { Name = "retention.ms", Value = "60000" });
        request.Topics.Add(creatable);
        return request;
    }

    private static DescribeConfigsRequest DescribeRequest(string topic, bool synonyms, bool documentation, List<string>? keys)
    {
        var request = new DescribeConfigsRequest { IncludeSynonyms = synonyms, IncludeDocumentation = documentation };
        request.Resources.Add(new DescribeConfigsRequest.DescribeConfigsResource { ResourceType = TopicResource, ResourceName = topic, ConfigurationKeys = keys });
        return request;
    }

    private static string NewTopic() => "wire-" + Guid.NewGuid().ToString("N")[..10];
}
