namespace OrleansLog.Topics;

/// <summary>Owns one topic, keyed by its name: id, partition count, configuration and lifecycle.</summary>
[Alias("OrleansLog.Topics.ITopicGrain")]
public interface ITopicGrain : IGrainWithStringKey
{
    /// <summary>Creates the topic with a new topic id; throws <see cref="Errors.TopicAlreadyExistsException"/> if it exists.</summary>
    [Alias("Create")]
    Task<TopicDescription> CreateAsync(int partitionCount, IReadOnlyDictionary<string, string>? configs, CancellationToken cancellationToken = default);

    /// <summary>Describes the topic; throws <see cref="Errors.UnknownTopicException"/> if it does not exist.</summary>
    [Alias("Describe")]
    Task<TopicDescription> DescribeAsync(CancellationToken cancellationToken = default);

    /// <summary>Sets configuration keys (a null value resets a key to its default) and pushes the result to live partitions.</summary>
    [Alias("AlterConfigs")]
    Task<TopicDescription> AlterConfigsAsync(IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken = default);

    /// <summary>Grows the topic to <paramref name="totalCount"/> partitions; a topic never shrinks.</summary>
    [Alias("CreatePartitions")]
    Task<TopicDescription> CreatePartitionsAsync(int totalCount, CancellationToken cancellationToken = default);

    /// <summary>Deletes the topic; its blobs are deleted in the background and the name can be re-created at once.</summary>
    /// <remarks>Stops the topic's partitions first, activating none that is idle: a minute or more for 10,000 partitions on a slow store.</remarks>
    [Alias("Delete")]
    [ResponseTimeout("00:05:00")]
    Task DeleteAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Describes <paramref name="partitions"/> (at most <see cref="MaxPartitionsPerRequest"/>) without activating idle ones: an idle
    /// partition is described from its stored manifest (<see cref="Partitions.PartitionDescription.Host"/> null); one that may be active answers itself.
    /// </summary>
    [Alias("DescribePartitions")]
    [Orleans.Concurrency.AlwaysInterleave]
    [ResponseTimeout("00:02:00")]
    Task<Partitions.PartitionDescription[]> DescribePartitionsAsync(int[] partitions, CancellationToken cancellationToken = default);

    /// <summary>
    /// The offset for <paramref name="timestamp"/> (<see cref="Partitions.OffsetSpec.Earliest"/>, <see cref="Partitions.OffsetSpec.Latest"/> or Unix ms) in each of
    /// <paramref name="partitions"/> (at most <see cref="MaxPartitionsPerRequest"/>), in the order given. Earliest and latest come from stored manifests
    /// for idle partitions; a timestamp activates the partitions that hold records.
    /// </summary>
    [Alias("ListOffsets")]
    [Orleans.Concurrency.AlwaysInterleave]
    [ResponseTimeout("00:02:00")]
    Task<Partitions.OffsetAndTimestamp[]> ListOffsetsAsync(int[] partitions, long timestamp, CancellationToken cancellationToken = default);

    /// <summary>The most partitions one <see cref="DescribePartitionsAsync"/> or <see cref="ListOffsetsAsync"/> call takes; clients page larger topics.</summary>
    const int MaxPartitionsPerRequest = 1_000;

    /// <summary>The most partitions one topic may have.</summary>
    const int MaxPartitions = 10_000;

    /// <summary>The configuration a partition of topic id <paramref name="topicId"/> runs with; throws <see cref="Errors.UnknownTopicException"/> if that id is not the live topic's.</summary>
    /// <remarks>Interleaves, because partitions ask for it while they are activated by the topic's own calls.</remarks>
    [Alias("GetPartitionConfig")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<TopicConfig> GetPartitionConfigAsync(Guid topicId, int partition, CancellationToken cancellationToken = default);
}
