using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Compaction;

/// <summary>Decides when a compacted partition is due for compaction and how far it may go, from its manifest and topic config.</summary>
/// <remarks>
/// Kafka's rules: the "clean" part of the log (sealed segments before the cleaner's checkpoint) was compacted before; the "dirty"
/// part after it was not. Compaction is due when the dirty share of the sealed bytes reaches <c>min.cleanable.dirty.ratio</c>, or
/// when a dirty segment's oldest record is older than <c>max.compaction.lag.ms</c>. Segments whose newest record is younger than
/// <c>min.compaction.lag.ms</c>, and the active segment, are never compacted.
/// </remarks>
internal static class CompactionSchedule
{
    /// <summary>The share of the sealed segments' bytes at or after <paramref name="cleanedUpTo"/> (0 when nothing is sealed).</summary>
    public static double DirtyRatio(IReadOnlyList<SegmentInfo> segments, long cleanedUpTo)
    {
        long clean = 0, dirty = 0;
        foreach (var segment in segments)
        {
            if (segment.LastOffset < cleanedUpTo)
            {
                clean += segment.SizeBytes;
            }
            else
            {
                dirty += segment.SizeBytes;
            }
        }

        return clean + dirty == 0 ? 0 : (double)dirty / (clean + dirty);
    }

    /// <summary>
    /// The offset compaction may go up to (exclusive: the end of the last cleanable sealed segment) when compaction is due now;
    /// -1 when it is not.
    /// </summary>
    public static long DueEnd(IReadOnlyList<SegmentInfo> segments, long cleanedUpTo, TopicConfig config, long nowMs)
    {
        long clean = 0, dirty = 0, end = -1;
        var overdue = false;
        foreach (var segment in segments)
        {
            if (segment.LastOffset < cleanedUpTo)
            {
                clean += segment.SizeBytes;
                continue;
            }

            if (config.MinCompactionLagMs > 0 && segment.MaxTimestamp > nowMs - config.MinCompactionLagMs)
            {
                break; // the first uncleanable segment: it and everything after it are too young
            }

            dirty += segment.SizeBytes;
            end = segment.LastOffset + 1;
            overdue |= config.MaxCompactionLagMs < long.MaxValue && nowMs - segment.FirstTimestamp > config.MaxCompactionLagMs;
        }

        if (dirty == 0)
        {
            return -1;
        }

        return overdue || (double)dirty / (clean + dirty) >= config.MinCleanableDirtyRatio ? end : -1;
    }
}
