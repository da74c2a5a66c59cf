using OrleansLog.Client.Metadata;
using OrleansLog.Partitions;
using OrleansLog.Topics;

namespace OrleansLog.Client;

/// <summary>Creates, lists, describes, alters and deletes topics, and lists offsets (Kafka's admin client).</summary>
public sealed class AdminClient
{
    private readonly IGrainFactory _grains;
    private readonly TopicMetadataCache _metadata;

    internal AdminClient(IGrainFactory grains, TopicMetadataCache metadata)
    {
        _grains = grains;
        _metadata = metadata;
    }

    /// <summary>Creates a topic; throws <see cref="Errors.TopicAlreadyExistsException"/>, <see cref="Errors.InvalidTopicException"/>, <see cref="Errors.InvalidPartitionsException"/> or <see cref="Errors.InvalidConfigException"/>.</summary>
    public async Task<TopicDescription> CreateTopicAsync(string topic, int partitions = 1, IReadOnlyDictionary<string, string>? configs = null, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        var description = await Topic(topic).CreateAsync(partitions, configs).WaitAsync(cancellationToken).ConfigureAwait(false);
        _metadata.Invalidate(topic);
        return description;
    }

    /// <summary>Lists the topic names.</summary>
    public async Task<IReadOnlyList<string>> ListTopicsAsync(CancellationToken cancellationToken = default) =>
        await _grains.GetGrain<ICatalogGrain>(0).ListAsync().WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Describes a topic; throws <see cref="Errors.UnknownTopicException"/> if it does not exist.</summary>
    public Task<TopicDescription> DescribeTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        return Topic(topic).DescribeAsync().WaitAsync(cancellationToken);
    }

    /// <summary>Describes every partition of a topic: start and end offsets, segments and bytes.</summary>
    public async Task<IReadOnlyList<PartitionDescription>> DescribePartitionsAsync(string topic, CancellationToken cancellationToken = default)
    {
        var description = await DescribeTopicAsync(topic, cancellationToken).ConfigureAwait(false);
        var tasks = new Task<PartitionDescription>[description.PartitionCount];
        for (var p = 0; p < tasks.Length; p++)
        {
            tasks[p] = Partition(description, p).DescribeAsync();
        }

        return await Task.WhenAll(tasks).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets topic configuration keys; a null value resets a key to its default.</summary>
    public async Task<TopicDescription> AlterTopicConfigAsync(string topic, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        var description = await Topic(topic).AlterConfigsAsync(changes).WaitAsync(cancellationToken).ConfigureAwait(false);
        _metadata.Invalidate(topic);
        return description;
    }

    /// <summary>Grows a topic to <paramref name="totalCount"/> partitions.</summary>
    public async Task<TopicDescription> CreatePartitionsAsync(string topic, int totalCount, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        var description = await Topic(topic).CreatePartitionsAsync(totalCount).WaitAsync(cancellationToken).ConfigureAwait(false);
        _metadata.Invalidate(topic);
        return description;
    }

    /// <summary>Deletes a topic; its data is deleted in the background and the name can be re-created at once.</summary>
    public async Task DeleteTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        await Topic(topic).DeleteAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        _metadata.Invalidate(topic);
    }

    /// <summary>
    /// The offset for <paramref name="timestamp"/> in one partition: <see cref="OffsetSpec.Earliest"/>, <see cref="OffsetSpec.Latest"/>,
    /// or a Unix-ms timestamp (the first offset whose record timestamp is at least it; offset -1 when there is none).
    /// </summary>
    public async Task<OffsetAndTimestamp> ListOffsetAsync(TopicPartition partition, long timestamp, CancellationToken cancellationToken = default)
    {
        var description = await _metadata.GetAsync(partition.Topic, cancellationToken).ConfigureAwait(false);
        try
        {
            return await ListOffsetAsync(description, partition, timestamp, cancellationToken).ConfigureAwait(false);
        }
        catch (Errors.UnknownTopicException)
        {
            // The cached topic id may belong to a deleted incarnation of the name: refresh once (which throws if the topic is gone).
            description = await _metadata.RefreshAsync(partition.Topic, cancellationToken).ConfigureAwait(false);
            return await ListOffsetAsync(description, partition, timestamp, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<OffsetAndTimestamp> ListOffsetAsync(TopicDescription description, TopicPartition partition, long timestamp, CancellationToken cancellationToken)
    {
        if (partition.Partition < 0 || partition.Partition >= description.PartitionCount)
        {
            throw new Errors.UnknownTopicException($"Topic '{partition.Topic}' has partitions 0 to {description.PartitionCount - 1}; partition {partition.Partition} does not exist.");
        }

        return Partition(description, partition.Partition).ListOffsetAsync(timestamp).WaitAsync(cancellationToken);
    }

    private ITopicGrain Topic(string topic) => _grains.GetGrain<ITopicGrain>(topic);

    private IPartitionGrain Partition(TopicDescription topic, int partition) =>
        _grains.GetGrain<IPartitionGrain>(new PartitionGrainKey(topic.Name, topic.TopicId, partition).ToString());
}
