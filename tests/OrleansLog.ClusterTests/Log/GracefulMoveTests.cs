using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Partitions;

namespace OrleansLog.ClusterTests.Log;

[Collection(LogClusterCollection.Name)]
public sealed class GracefulMoveTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task A_deactivated_partition_flushes_acks_leader_data_and_the_next_activation_serves_it()
    {
        // flush.ms of an hour: acks=Leader records stay in memory until something forces a flush.
        var topic = LogCluster.NewTopic("graceful");
        await _log.CreateTopicAsync(topic, 1, ("flush.ms", "3600000"), ("flush.bytes", "4194304"));
        var partition = await _log.PartitionAsync(topic, 0);
        List<DeliveryResult> acknowledged;
        await using (var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { Acks = Acks.Leader }))
        {
            acknowledged = [.. await Task.WhenAll(Enumerable.Range(0, 200).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"leader-{i}" })))];
        }

        Assert.Equal(0, (await partition.DescribeAsync()).HighWatermark);
        await _log.Cluster.DeactivateAsync(partition);

        // A new activation recovers from storage alone: everything acknowledged to the producer is there.
        var recovered = await partition.DescribeAsync();
        Assert.Equal(200, recovered.HighWatermark);
        Assert.True(recovered.LeaderEpoch >= 2, "the new activation bumps the leader epoch");
        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(200, TimeSpan.FromSeconds(30));
        Assert.Equal(acknowledged.Select(a => a.Offset), consumed.Select(c => c.Offset));
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"leader-{i}"), consumed.Select(c => c.Message.Value));
    }
}
