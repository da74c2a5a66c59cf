using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Partitions;
using OrleansLog.Topics;

namespace OrleansLog.ClusterTests.Log;

/// <summary>Describing a topic and listing its offsets answer for idle partitions from storage, without activating them.</summary>
[Collection(LogClusterCollection.Name)]
public sealed class IdlePartitionTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task Describing_a_new_topic_and_listing_its_offsets_activate_none_of_its_partitions()
    {
        var topic = LogCluster.NewTopic("idle-new");
        await _log.CreateTopicAsync(topic, 300);

        var partitions = await _log.Client.Admin.DescribePartitionsAsync(topic);
        var latest = await _log.Client.Admin.ListOffsetsAsync(topic, OffsetSpec.Latest);
        var earliest = await _log.Client.Admin.ListOffsetsAsync(topic, OffsetSpec.Earliest, [299, 7]);
        var byTime = await _log.Client.Admin.ListOffsetsAsync(topic, DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());

        Assert.Equal(Enumerable.Range(0, 300), partitions.Select(p => p.Partition));
        Assert.All(partitions, p => Assert.Equal(new PartitionDescription(p.Partition, 0, 0, 0, 0, 0, Host: null), p));
        Assert.Equal(Enumerable.Range(0, 300), latest.Select(o => o.TopicPartition.Partition));
        Assert.All(latest, o => Assert.Equal(0, o.Offset));
        Assert.Equal([7, 299], earliest.Select(o => o.TopicPartition.Partition));
        Assert.All(byTime, o => Assert.Equal(-1, o.Offset));
        Assert.Equal(0, await ActivePartitionsAsync(topic));
    }

    [Fact]
    public async Task A_partition_that_stopped_cleanly_is_described_from_its_manifest_with_its_offsets_and_stays_idle()
    {
        var topic = LogCluster.NewTopic("idle-stopped");
        await _log.CreateTopicAsync(topic, 6);
        await using (var producer = _log.Client.CreateProducer<string, string>())
        {
            for (var i = 0; i < 5; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, 1), new Message<string, string> { Value = $"one-{i}" });
            }

            for (var i = 0; i < 3; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, 4), new Message<string, string> { Value = $"four-{i}" });
            }
        }

        var live = await _log.Client.Admin.DescribePartitionsAsync(topic);
        Assert.NotNull(live[1].Host);
        Assert.Equal(5, live[1].HighWatermark);
        await DeactivatePartitionsAsync(topic);

        var idle = await _log.Client.Admin.DescribePartitionsAsync(topic);
        var latest = await _log.Client.Admin.ListOffsetsAsync(topic, OffsetSpec.Latest);

        Assert.All(idle, p => Assert.False(p.IsActive));
        Assert.Equal([0L, 5, 0, 0, 3, 0], idle.Select(p => p.HighWatermark));
        Assert.Equal([0L, 5, 0, 0, 3, 0], latest.Select(o => o.Offset));
        Assert.Equal(live[1].SizeBytes, idle[1].SizeBytes);
        Assert.Equal(live[1].LeaderEpoch, idle[1].LeaderEpoch);
        Assert.Equal(1, idle[1].SegmentCount);
        Assert.Equal(0, await ActivePartitionsAsync(topic));

        // A timestamp needs the index of a partition that holds records: only those are asked (and activated).
        var byTime = await _log.Client.Admin.ListOffsetsAsync(topic, DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());
        Assert.Equal([-1L, 0, -1, -1, 0, -1], byTime.Select(o => o.Offset));
        Assert.Equal(2, await ActivePartitionsAsync(topic));
    }

    [Fact]
    public async Task An_active_partition_answers_for_itself_with_its_host_and_newest_offsets()
    {
        var topic = LogCluster.NewTopic("idle-active");
        await _log.CreateTopicAsync(topic, 2);
        await using var producer = _log.Client.CreateProducer<string, string>();
        await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Value = "a" });
        await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Value = "b" });

        var partitions = await _log.Client.Admin.DescribePartitionsAsync(topic);

        Assert.True(partitions[0].IsActive);
        Assert.Equal(2, partitions[0].HighWatermark);
        Assert.False(partitions[1].IsActive);
        Assert.Equal(0, partitions[1].HighWatermark);
    }

    [Fact]
    public async Task Deleting_a_topic_clears_its_idle_partitions_manifests_without_activating_them()
    {
        var topic = LogCluster.NewTopic("idle-delete");
        await _log.CreateTopicAsync(topic, 40);
        await using (var producer = _log.Client.CreateProducer<string, string>())
        {
            await producer.ProduceAsync(new TopicPartition(topic, 1), new Message<string, string> { Value = "x" });
            await producer.ProduceAsync(new TopicPartition(topic, 33), new Message<string, string> { Value = "y" });
        }

        await DeactivatePartitionsAsync(topic);
        Assert.Equal(2, await ManifestBlobsAsync(topic));

        await _log.Client.Admin.DeleteTopicAsync(topic);

        Assert.Equal(0, await ActivePartitionsAsync(topic));
        Assert.Equal(0, await ManifestBlobsAsync(topic));
        await _log.CreateTopicAsync(topic, 40);
        Assert.All(await _log.Client.Admin.ListOffsetsAsync(topic, OffsetSpec.Latest), o => Assert.Equal(0, o.Offset));
    }

    [Fact]
    public async Task Describing_partitions_that_do_not_exist_names_the_range()
    {
        var topic = LogCluster.NewTopic("idle-range");
        await _log.CreateTopicAsync(topic, 2);

        var error = await Assert.ThrowsAsync<Errors.UnknownTopicException>(() => _log.Client.Admin.ListOffsetsAsync(topic, OffsetSpec.Latest, [0, 2]));

        Assert.Contains("has partitions 0 to 1; partition 2 does not exist", error.Message);
    }

    private async Task DeactivatePartitionsAsync(string topic)
    {
        var management = _log.Cluster.Client.GetGrain<IManagementGrain>(0);
        await LogTestExtensions.EventuallyAsync(
            async () =>
            {
                await management.ForceActivationCollection(TimeSpan.Zero);
                return await ActivePartitionsAsync(topic) == 0;
            },
            TimeSpan.FromSeconds(30),
            $"the partitions of {topic} to deactivate");
    }

    // Manifests are grain state blobs named "{stateName}-{grainType}/{partition key}.json", the key being "topic/topicId/partition".
    private async Task<int> ManifestBlobsAsync(string topic)
    {
        var count = 0;
        await foreach (var blob in _log.Store.Container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = $"manifest-{GrainTypes.Partition}/{topic}/" }))
        {
            count++;
        }

        return count;
    }

    // Counts this topic's partition activations in the cluster (other tests share it, so only this topic's keys count).
    private async Task<int> ActivePartitionsAsync(string topic)
    {
        var statistics = await _log.Cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics.Count(s => s.GrainId.Key.ToString()!.StartsWith(topic + "/", StringComparison.Ordinal));
    }
}
