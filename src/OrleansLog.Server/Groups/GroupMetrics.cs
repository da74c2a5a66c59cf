using System.Diagnostics.Metrics;

namespace OrleansLog.Groups;

/// <summary>The consumer group grains' instruments on the <c>OrleansLog</c> meter.</summary>
internal static class GroupMetrics
{
    public static readonly Counter<long> CommittedOffsets = Partitions.PartitionMetrics.Meter.CreateCounter<long>("orleanslog.group.commit.offsets", "{offset}", "Offsets committed to consumer groups.");

    public static readonly Counter<long> StateWrites = Partitions.PartitionMetrics.Meter.CreateCounter<long>("orleanslog.group.state.writes", "{write}", "Group state writes to grain storage (commits and membership changes, coalesced).");

    public static readonly Counter<long> Rebalances = Partitions.PartitionMetrics.Meter.CreateCounter<long>("orleanslog.group.rebalances", "{generation}", "New group generations (membership or subscription changes).");
}
