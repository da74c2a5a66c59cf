using System.Globalization;

namespace OrleansLog;

/// <summary>One partition of one topic: what a producer sends to, a consumer reads or is assigned, and a group commits an offset for.</summary>
[GenerateSerializer, Immutable]
[Alias("OrleansLog.TopicPartition")]
public readonly record struct TopicPartition([property: Id(0)] string Topic, [property: Id(1)] int Partition) : IComparable<TopicPartition>
{
    /// <summary>Orders by topic (ordinal), then partition; assignors rely on this order being the same on every silo.</summary>
    public int CompareTo(TopicPartition other)
    {
        var byTopic = string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Topic}-{Partition}");
}
