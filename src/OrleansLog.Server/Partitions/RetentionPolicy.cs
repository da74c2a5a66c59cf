using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Partitions;

/// <summary>Decides which sealed segments retention.ms and retention.bytes remove: always the oldest, never the active one.</summary>
internal static class RetentionPolicy
{
    /// <summary>How many of the oldest <paramref name="segments"/> to delete now.</summary>
    public static int SegmentsToDelete(IReadOnlyList<SegmentInfo> segments, long activeSegmentBytes, TopicConfig config, long nowMs)
    {
        var total = activeSegmentBytes;
        foreach (var segment in segments)
        {
            total += segment.SizeBytes;
        }

        var remove = 0;
        while (remove < segments.Count)
        {
            var segment = segments[remove];
            var expired = config.RetentionMs >= 0 && segment.MaxTimestamp < nowMs - config.RetentionMs;
            var oversize = config.RetentionBytes >= 0 && total - segment.SizeBytes >= config.RetentionBytes;
            if (!expired && !oversize)
            {
                break;
            }

            total -= segment.SizeBytes;
            remove++;
        }

        return remove;
    }
}
