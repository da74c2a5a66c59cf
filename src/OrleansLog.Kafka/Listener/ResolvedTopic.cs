using OrleansLog.Kafka.Protocol;
using OrleansLog.Partitions;
using OrleansLog.Topics;

namespace OrleansLog.Kafka.Listener;

/// <summary>A topic a request names, looked up once for all its partitions: the topic, or the error each of its partitions gets.</summary>
/// <param name="Description">The topic; null when it could not be found.</param>
/// <param name="Error">Why it could not be found; <see cref="KafkaErrorCode.None"/> when it was.</param>
internal readonly record struct ResolvedTopic(TopicDescription? Description, KafkaErrorCode Error)
{
    /// <summary>The error a request for partition <paramref name="partition"/> gets before it reaches the partition, or NONE.</summary>
    public KafkaErrorCode ErrorFor(int partition) => Description switch
    {
        null => Error,
        { PartitionCount: var count } when partition < 0 || partition >= count => KafkaErrorCode.UnknownTopicOrPartition,
        _ => KafkaErrorCode.None,
    };

    /// <summary>The grain of partition <paramref name="partition"/>, which <see cref="ErrorFor"/> found without error.</summary>
    public IPartitionGrain Partition(IGrainFactory grains, int partition) =>
        grains.GetPartition(Description!.Name, Description.TopicId, partition);
}
