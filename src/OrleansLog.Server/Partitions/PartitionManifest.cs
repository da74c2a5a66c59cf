using OrleansLog.Segments;

namespace OrleansLog.Partitions;

/// <summary>The durable description of a partition's log (grain state): its sealed segments, where the active one starts, and the leader epoch.</summary>
[GenerateSerializer]
internal sealed class PartitionManifest
{
    /// <summary>The first offset the log still holds; retention moves it forward.</summary>
    [Id(0)]
    public long LogStartOffset { get; set; }

    /// <summary>Bumped by every activation, so a batch records which activation wrote it.</summary>
    [Id(1)]
    public int LeaderEpoch { get; set; }

    /// <summary>The sealed segments, oldest first.</summary>
    [Id(2)]
    public List<SegmentInfo> Segments { get; set; } = [];

    /// <summary>The base offset of the active segment (its blob exists once something was flushed to it).</summary>
    [Id(3)]
    public long ActiveBaseOffset { get; set; }

    /// <summary>The idempotent producers' state as of the end of the last sealed segment; recovery adds what the active segment holds.</summary>
    [Id(4)]
    public List<ProducerSnapshot> Producers { get; set; } = [];
}
