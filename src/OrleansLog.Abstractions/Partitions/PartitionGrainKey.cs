using System.Globalization;

namespace OrleansLog.Partitions;

/// <summary>The key of a partition grain: topic name, topic id and partition number, as "name/id/partition".</summary>
[GenerateSerializer, Immutable]
public readonly record struct PartitionGrainKey([property: Id(0)] string Topic, [property: Id(1)] Guid TopicId, [property: Id(2)] int Partition)
{
    /// <summary>The grain key string.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Topic}/{TopicId:N}/{Partition}");

    /// <summary>Parses a key made by <see cref="ToString"/>.</summary>
    public static PartitionGrainKey Parse(string key)
    {
        var last = key.LastIndexOf('/');
        var middle = last > 0 ? key.LastIndexOf('/', last - 1) : -1;
        if (middle <= 0
            || !Guid.TryParseExact(key.AsSpan(middle + 1, last - middle - 1), "N", out var topicId)
            || !int.TryParse(key.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition))
        {
            throw new FormatException($"'{key}' is not a partition grain key (expected 'topic/topicId/partition').");
        }

        return new PartitionGrainKey(key[..middle], topicId, partition);
    }
}
