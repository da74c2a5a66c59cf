using System.Collections.Concurrent;

namespace OrleansLog.Partitions;

/// <summary>
/// The high watermark each partition made durable while hosted on this silo, kept in memory outside storage: a partition that
/// recovers a shorter log than this silo acknowledged (storage that rolled back, such as an emulator that crashed before saving)
/// is caught and reported instead of silently handing out acknowledged offsets again.
/// </summary>
/// <remarks>Offsets only grow and a re-created topic has a new id, so a recovered end below the recorded one is always a loss.</remarks>
internal sealed class AcknowledgedOffsets
{
    private readonly ConcurrentDictionary<(Guid TopicId, int Partition), long> _highWatermarks = new();

    /// <summary>Records that offsets below <paramref name="highWatermark"/> are durable and acknowledged.</summary>
    public void Advance(Guid topicId, int partition, long highWatermark) =>
        _highWatermarks.AddOrUpdate((topicId, partition), static (_, added) => added, static (_, current, added) => Math.Max(current, added), highWatermark);

    /// <summary>Returns the high watermark this silo acknowledged when it is above <paramref name="recoveredEnd"/>, the end of the log storage holds now; otherwise null.</summary>
    public long? FindLoss(Guid topicId, int partition, long recoveredEnd) =>
        _highWatermarks.TryGetValue((topicId, partition), out var acknowledged) && acknowledged > recoveredEnd ? acknowledged : null;
}
