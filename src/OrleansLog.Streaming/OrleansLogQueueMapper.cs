using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansLog.Client;
using OrleansLog.Client.Partitioning;

namespace OrleansLog.Streaming;

/// <summary>
/// One queue per partition of the provider's topic; a stream's queue is the partition Kafka's murmur2 partitioner picks for its key, so
/// Kafka producers that key records by stream reach the same queue. The hash ring over the queues is Orleans' own, for its balancer.
/// </summary>
internal sealed class OrleansLogQueueMapper : IConsistentRingStreamQueueMapper
{
    private readonly HashRingBasedStreamQueueMapper _ring;
    private readonly QueueId[] _queues;

    public OrleansLogQueueMapper(int partitions, string providerName)
    {
        _ring = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = partitions }, providerName);
        _queues = new QueueId[partitions];
        foreach (var queue in _ring.GetAllQueues())
        {
            _queues[queue.GetNumericId()] = queue;
        }
    }

    public IEnumerable<QueueId> GetAllQueues() => _queues;

    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) => _ring.GetQueuesForRange(range);

    public QueueId GetQueueForStream(StreamId streamId) => _queues[PartitionOf(streamId)];

    /// <summary>The partition of <paramref name="streamId"/>'s events.</summary>
    public int PartitionOf(StreamId streamId) => KafkaPartitioner.Murmur2Partition(streamId.Key.Span, _queues.Length);

    /// <summary>The partition a queue reads.</summary>
    public static int PartitionOf(QueueId queue) => (int)queue.GetNumericId();
}
