using System.Globalization;

namespace OrleansLog.Groups;

/// <summary>One topic-partition as a consumer group assigns it and commits its offset.</summary>
[GenerateSerializer, Immutable]
public readonly record struct GroupPartition([property: Id(0)] string Topic, [property: Id(1)] int Partition) : IComparable<GroupPartition>
{
    /// <summary>Orders by topic (ordinal), then partition; assignors rely on this order being the same on every silo.</summary>
    public int CompareTo(GroupPartition other)
    {
        var byTopic = string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Topic}-{Partition}");
}
