namespace OrleansLog.Topics;

/// <summary>Owns one topic, keyed by its name: id, partition count, configuration and lifecycle.</summary>
[Alias("OrleansLog.Topics.ITopicGrain")]
public interface ITopicGrain : IGrainWithStringKey
{
    /// <summary>Creates the topic with a new topic id; throws <see cref="Errors.TopicAlreadyExistsException"/> if it exists.</summary>
    [Alias("Create")]
    Task<TopicDescription> CreateAsync(int partitionCount, IReadOnlyDictionary<string, string>? configs);

    /// <summary>Describes the topic; throws <see cref="Errors.UnknownTopicException"/> if it does not exist.</summary>
    [Alias("Describe")]
    Task<TopicDescription> DescribeAsync();

    /// <summary>Sets configuration keys (a null value resets a key to its default) and pushes the result to live partitions.</summary>
    [Alias("AlterConfigs")]
    Task<TopicDescription> AlterConfigsAsync(IReadOnlyDictionary<string, string?> changes);

    /// <summary>Grows the topic to <paramref name="totalCount"/> partitions; a topic never shrinks.</summary>
    [Alias("CreatePartitions")]
    Task<TopicDescription> CreatePartitionsAsync(int totalCount);

    /// <summary>Deletes the topic; its blobs are deleted in the background and the name can be re-created at once.</summary>
    [Alias("Delete")]
    Task DeleteAsync();

    /// <summary>The configuration a partition of topic id <paramref name="topicId"/> runs with; throws <see cref="Errors.UnknownTopicException"/> if that id is not the live topic's.</summary>
    /// <remarks>Interleaves, because partitions ask for it while they are activated by the topic's own calls.</remarks>
    [Alias("GetPartitionConfig")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<TopicConfig> GetPartitionConfigAsync(Guid topicId, int partition);
}
