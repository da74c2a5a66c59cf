using OrleansLog.Partitions;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Metadata;

/// <summary>A topic grain that answers <see cref="ITopicGrain.DescribeAsync"/> with <see cref="Description"/> and counts the calls.</summary>
internal sealed class FakeTopicGrain(TopicDescription description) : ITopicGrain
{
    public TopicDescription Description { get; set; } = description;

    public int Describes { get; private set; }

    public static TopicDescription Describe(string name, int partitionCount) =>
        new(name, Guid.NewGuid(), partitionCount, TopicConfig.Default, new Dictionary<string, string>(), DateTimeOffset.UnixEpoch);

    public Task<TopicDescription> DescribeAsync(CancellationToken cancellationToken = default)
    {
        Describes++;
        return Task.FromResult(Description);
    }

    public Task<TopicDescription> CreateAsync(int partitionCount, IReadOnlyDictionary<string, string>? configs, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<TopicDescription> AlterConfigsAsync(IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<TopicDescription> CreatePartitionsAsync(int totalCount, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task DeleteAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<PartitionDescription[]> DescribePartitionsAsync(int[] partitions, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<OffsetAndTimestamp[]> ListOffsetsAsync(int[] partitions, long timestamp, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<TopicConfig> GetPartitionConfigAsync(Guid topicId, int partition, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
