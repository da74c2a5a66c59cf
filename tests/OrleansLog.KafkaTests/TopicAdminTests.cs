using System.Buffers.Binary;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using OrleansLog.Topics;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace OrleansLog.KafkaTests;

/// <summary>Kafka's topic admin APIs through Confluent.Kafka's admin client, checked against what the native client sees.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class TopicAdminTests(KafkaBrokerFixture broker)
{
    [Fact]
    public async Task Create_topics_with_configs_shows_them_in_describe_topics_describe_configs_and_the_native_client()
    {
        var topic = NewTopic();
        using var admin = Admin();

        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = topic,
            NumPartitions = 3,
            ReplicationFactor = 1,
            Configs = new() { ["retention.ms"] = "3600000", ["max.message.bytes"] = "2000000" },
        }]);

        var described = Assert.Single((await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]))).TopicDescriptions);
        Assert.Equal(ErrorCode.NoError, described.Error.Code);
        Assert.Equal([0, 1, 2], described.Partitions.Select(p => p.Partition).Order());
        var native = await broker.Log.Admin.DescribeTopicAsync(topic);
        Assert.Equal(native.TopicId, ToGuid(described.TopicId));
        Assert.Equal((3_600_000L, 2_000_000), (native.Config.RetentionMs, native.Config.MaxMessageBytes));

        var entries = await DescribeTopicConfigsAsync(admin, topic);
        Assert.Equal(TopicConfig.Keys.Keys.Order(), entries.Keys.Order());
        Assert.Equal(("3600000", ConfigSource.DynamicTopicConfig, false), (entries["retention.ms"].Value, entries["retention.ms"].Source, entries["retention.ms"].IsDefault));
        Assert.Equal(("2000000", ConfigSource.DynamicTopicConfig), (entries["max.message.bytes"].Value, entries["max.message.bytes"].Source));
        Assert.Equal(("134217728", ConfigSource.DefaultConfig, true), (entries["segment.bytes"].Value, entries["segment.bytes"].Source, entries["segment.bytes"].IsDefault));
        Assert.Equal("delete", entries["cleanup.policy"].Value);
        Assert.All(entries.Values, e => Assert.False(e.IsReadOnly || e.IsSensitive));
    }

    [Fact]
    public async Task Validate_only_checks_a_topic_and_creates_nothing()
    {
        var topic = NewTopic();
        using var admin = Admin();

        await admin.CreateTopicsAsync(
            [new TopicSpecification { Name = topic, NumPartitions = 2, ReplicationFactor = -1, Configs = new() { ["retention.ms"] = "1000" } }],
            new CreateTopicsOptions { ValidateOnly = true });
        var refused = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync(
            [new TopicSpecification { Name = topic, NumPartitions = 2, Configs = new() { ["retention.ms"] = "soon" } }],
            new CreateTopicsOptions { ValidateOnly = true }));

        Assert.Equal(ErrorCode.InvalidConfig, Assert.Single(refused.Results).Error.Code);
        Assert.DoesNotContain(topic, await broker.Log.Admin.ListTopicsAsync());
        await Assert.ThrowsAsync<Errors.UnknownTopicException>(() => broker.Log.Admin.DescribeTopicAsync(topic));
    }

    [Fact]
    public async Task Each_topic_of_a_create_request_gets_its_own_error_code_and_message()
    {
        var existing = NewTopic();
        var created = NewTopic();
        await broker.Log.Admin.CreateTopicAsync(existing, 1);
        using var admin = Admin();

        var error = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync(
        [
            new TopicSpecification { Name = existing, NumPartitions = 1 },
            new TopicSpecification { Name = created, NumPartitions = 4 },
            new TopicSpecification { Name = "bad name!", NumPartitions = 1 },
            new TopicSpecification { Name = NewTopic(), NumPartitions = 1, ReplicationFactor = 3 },
            new TopicSpecification { Name = NewTopic(), NumPartitions = 1, Configs = new() { ["retention.ms"] = "soon" } },
            new TopicSpecification { Name = NewTopic(), NumPartitions = 1, Configs = new() { ["no.such.config"] = "1" } },
            new TopicSpecification { Name = NewTopic(), NumPartitions = 0 },
        ]));

        var results = error.Results.ToDictionary(r => r.Topic, r => r.Error);
        Assert.Equal(7, results.Count);
        Assert.Equal(ErrorCode.TopicAlreadyExists, results[existing].Code);
        Assert.Equal(ErrorCode.NoError, results[created].Code);
        Assert.Equal(ErrorCode.TopicException, results["bad name!"].Code);
        Assert.Contains("contains ' '", results["bad name!"].Reason, StringComparison.Ordinal);
        var byCode = error.Results.Skip(3).Select(r => (r.Error.Code, r.Error.Reason)).ToList();
        Assert.Equal(ErrorCode.InvalidReplicationFactor, byCode[0].Code);
        Assert.Contains("OrleansLog has no replicas, durability comes from Blob Storage", byCode[0].Reason, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.InvalidConfig, byCode[1].Code);
        Assert.Contains("Invalid value 'soon' for retention.ms", byCode[1].Reason, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.InvalidConfig, byCode[2].Code);
        Assert.Contains("Unknown topic config 'no.such.config'", byCode[2].Reason, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.InvalidPartitions, byCode[3].Code);
        Assert.Equal(4, (await broker.Log.Admin.DescribeTopicAsync(created)).PartitionCount);
        Assert.Equal(1, (await broker.Log.Admin.DescribeTopicAsync(existing)).PartitionCount);
    }

    [Fact]
    public async Task Manual_replica_assignments_are_refused()
    {
        var topic = NewTopic();
        using var admin = Admin();
        var brokerId = BrokerId(admin);

        var error = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync(
            [new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [brokerId] } }]));

        Assert.Equal(ErrorCode.InvalidReplicaAssignment, Assert.Single(error.Results).Error.Code);
        Assert.DoesNotContain(topic, await broker.Log.Admin.ListTopicsAsync());
    }

    [Fact]
    public async Task Delete_topics_removes_a_topic_from_metadata_and_answers_unknown_for_a_missing_one()
    {
        var topic = NewTopic();
        var missing = NewTopic();
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        using var admin = Admin();

        var error = await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync([topic, missing]));

        var results = error.Results.ToDictionary(r => r.Topic, r => r.Error.Code);
        Assert.Equal(ErrorCode.NoError, results[topic]);
        Assert.Equal(ErrorCode.UnknownTopicOrPart, results[missing]);
        Assert.DoesNotContain(topic, await broker.Log.Admin.ListTopicsAsync());
        Assert.DoesNotContain(admin.GetMetadata(TimeSpan.FromSeconds(20)).Topics, t => t.Topic == topic);
    }

    [Fact]
    public async Task Create_partitions_grows_a_topic_and_refuses_to_shrink_it()
    {
        var topic = NewTopic();
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        using var admin = Admin();

        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 9 }], new CreatePartitionsOptions { ValidateOnly = true });
        Assert.Equal(2, (await broker.Log.Admin.DescribeTopicAsync(topic)).PartitionCount);
        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 5 }]);
        Assert.Equal(5, (await broker.Log.Admin.DescribeTopicAsync(topic)).PartitionCount);
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(20));
        Assert.Equal(5, Assert.Single(metadata.Topics).Partitions.Count);

        var shrink = await Assert.ThrowsAsync<CreatePartitionsException>(
            () => admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 3 }]));
        var same = await Assert.ThrowsAsync<CreatePartitionsException>(
            () => admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 5 }]));

        Assert.Equal(ErrorCode.InvalidPartitions, Assert.Single(shrink.Results).Error.Code);
        Assert.Contains("never removed", shrink.Results[0].Error.Reason, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.InvalidPartitions, Assert.Single(same.Results).Error.Code);
        Assert.Equal(5, (await broker.Log.Admin.DescribeTopicAsync(topic)).PartitionCount);
    }

    [Fact]
    public async Task Alter_configs_replaces_the_whole_override_set()
    {
        var topic = NewTopic();
        await broker.Log.Admin.CreateTopicAsync(topic, 1, new Dictionary<string, string> { ["retention.ms"] = "1000", ["segment.bytes"] = "2048" });
        using var admin = Admin();
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };

#pragma warning disable CS0618 // AlterConfigs is Kafka's legacy API, served for the clients that still use it.
        await admin.AlterConfigsAsync(new() { [resource] = [new ConfigEntry { Name = "max.message.bytes", Value = "5000" }] }, new AlterConfigsOptions { ValidateOnly = true });
        Assert.Equal(2, (await broker.Log.Admin.DescribeTopicAsync(topic)).ConfigOverrides.Count);
        await admin.AlterConfigsAsync(new() { [resource] = [new ConfigEntry { Name = "max.message.bytes", Value = "5000" }] });
        var invalid = await Assert.ThrowsAsync<AlterConfigsException>(
            () => admin.AlterConfigsAsync(new() { [resource] = [new ConfigEntry { Name = "segment.bytes", Value = "12" }] }));
#pragma warning restore CS0618

        Assert.Equal(ErrorCode.InvalidConfig, Assert.Single(invalid.Results).Error.Code);
        var native = await broker.Log.Admin.DescribeTopicAsync(topic);
        Assert.Equal(new Dictionary<string, string> { ["max.message.bytes"] = "5000" }, native.ConfigOverrides);
        Assert.Equal((5000, TopicConfig.Default.RetentionMs, TopicConfig.Default.SegmentBytes), (native.Config.MaxMessageBytes, native.Config.RetentionMs, native.Config.SegmentBytes));
        var entries = await DescribeTopicConfigsAsync(admin, topic);
        Assert.Equal(("5000", ConfigSource.DynamicTopicConfig), (entries["max.message.bytes"].Value, entries["max.message.bytes"].Source));
        Assert.Equal(("604800000", ConfigSource.DefaultConfig), (entries["retention.ms"].Value, entries["retention.ms"].Source));
        Assert.Equal(ConfigSource.DefaultConfig, entries["segment.bytes"].Source);
    }

    [Fact]
    public async Task Incremental_alter_configs_sets_and_deletes_single_configs()
    {
        var topic = NewTopic();
        await broker.Log.Admin.CreateTopicAsync(topic, 1, new Dictionary<string, string> { ["retention.ms"] = "1000", ["max.message.bytes"] = "3000" });
        using var admin = Admin();
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };

        await admin.IncrementalAlterConfigsAsync(new()
        {
            [resource] =
            [
                new ConfigEntry { Name = "segment.bytes", Value = "4096", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "retention.ms", IncrementalOperation = AlterConfigOpType.Delete },
            ],
        });

        var native = await broker.Log.Admin.DescribeTopicAsync(topic);
        Assert.Equal(new Dictionary<string, string> { ["max.message.bytes"] = "3000", ["segment.bytes"] = "4096" }, native.ConfigOverrides);
        Assert.Equal((4096, TopicConfig.Default.RetentionMs, 3000), (native.Config.SegmentBytes, native.Config.RetentionMs, native.Config.MaxMessageBytes));
        var entries = await DescribeTopicConfigsAsync(admin, topic);
        Assert.Equal(("4096", ConfigSource.DynamicTopicConfig), (entries["segment.bytes"].Value, entries["segment.bytes"].Source));
        Assert.Equal(("604800000", ConfigSource.DefaultConfig, true), (entries["retention.ms"].Value, entries["retention.ms"].Source, entries["retention.ms"].IsDefault));
        Assert.Equal("3000", entries["max.message.bytes"].Value);
    }

    [Fact]
    public async Task Incremental_alter_configs_validates_without_storing_and_refuses_append_to_a_number_and_broker_resources()
    {
        var topic = NewTopic();
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var admin = Admin();
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
        var brokerId = BrokerId(admin);

        await admin.IncrementalAlterConfigsAsync(
            new() { [resource] = [new ConfigEntry { Name = "retention.ms", Value = "5", IncrementalOperation = AlterConfigOpType.Set }] },
            new IncrementalAlterConfigsOptions { ValidateOnly = true });
        var append = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(
            new() { [resource] = [new ConfigEntry { Name = "retention.ms", Value = "5", IncrementalOperation = AlterConfigOpType.Append }] }));
        var brokerResource = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new()
        {
            [new ConfigResource { Type = ResourceType.Broker, Name = brokerId.ToString() }] =
                [new ConfigEntry { Name = "num.partitions", Value = "3", IncrementalOperation = AlterConfigOpType.Set }],
        }));

        Assert.Empty((await broker.Log.Admin.DescribeTopicAsync(topic)).ConfigOverrides);
        Assert.Equal(ErrorCode.InvalidConfig, Assert.Single(append.Results).Error.Code);
        Assert.Contains("only list configs (cleanup.policy) take APPEND and SUBTRACT", append.Results[0].Error.Reason, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.PolicyViolation, Assert.Single(brokerResource.Results).Error.Code);
    }

    [Fact]
    public async Task Describe_configs_answers_unknown_topic_and_describes_this_broker_read_only()
    {
        using var admin = Admin();
        var brokerId = BrokerId(admin);

        var unknown = await Assert.ThrowsAsync<DescribeConfigsException>(
            () => admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = NewTopic() }]));
        var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Broker, Name = brokerId.ToString() }]);

        Assert.Equal(ErrorCode.UnknownTopicOrPart, Assert.Single(unknown.Results).Error.Code);
        var entries = Assert.Single(described).Entries;
        Assert.Equal(brokerId.ToString(), entries["broker.id"].Value);
        Assert.Equal(("1", ConfigSource.StaticBrokerConfig), (entries["num.partitions"].Value, entries["num.partitions"].Source));
        Assert.Equal("1", entries["default.replication.factor"].Value);
        Assert.All(entries.Values, e => Assert.True(e.IsReadOnly));
    }

    [Fact]
    public async Task Describe_cluster_returns_this_broker_as_controller()
    {
        using var admin = Admin();
        var brokerId = BrokerId(admin);

        var cluster = await admin.DescribeClusterAsync();

        Assert.False(string.IsNullOrEmpty(cluster.ClusterId));
        Assert.Equal(brokerId, cluster.Controller.Id);
        var node = Assert.Single(cluster.Nodes);
        Assert.Equal((brokerId, "127.0.0.1", broker.Silo.KafkaPort), (node.Id, node.Host, node.Port));
    }

    private IAdminClient Admin() => new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

    // The broker list, not OriginatingBrokerId: that is -1 when the answer came over the bootstrap connection.
    private static int BrokerId(IAdminClient admin) => Assert.Single(admin.GetMetadata(TimeSpan.FromSeconds(20)).Brokers).BrokerId;

    private static async Task<Dictionary<string, ConfigEntryResult>> DescribeTopicConfigsAsync(IAdminClient admin, string topic) =>
        Assert.Single(await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }])).Entries;

    // Kafka's uuid is the big-endian 128-bit value, as the listener writes a Guid.
    private static Guid ToGuid(Uuid uuid)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, uuid.MostSignificantBits);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8), uuid.LeastSignificantBits);
        return new Guid(bytes, bigEndian: true);
    }

    private static string NewTopic() => "admin-" + Guid.NewGuid().ToString("N")[..10];
}
