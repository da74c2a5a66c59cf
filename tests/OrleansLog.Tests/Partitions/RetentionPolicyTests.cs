using OrleansLog.Partitions;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Partitions;

public sealed class RetentionPolicyTests
{
    private static readonly SegmentInfo[] Segments =
    [
        new() { BaseOffset = 0, LastOffset = 9, SizeBytes = 100, MaxTimestamp = 1_000 },
        new() { BaseOffset = 10, LastOffset = 19, SizeBytes = 100, MaxTimestamp = 2_000 },
        new() { BaseOffset = 20, LastOffset = 29, SizeBytes = 100, MaxTimestamp = 3_000 },
    ];

    [Fact]
    public void Segments_whose_newest_record_is_older_than_retention_ms_go_oldest_first()
    {
        var config = TopicConfig.Default with { RetentionMs = 1_500 };

        Assert.Equal(1, RetentionPolicy.SegmentsToDelete(Segments, 50, config, nowMs: 2_600));
        Assert.Equal(0, RetentionPolicy.SegmentsToDelete(Segments, 50, config, nowMs: 2_400));
    }

    [Fact]
    public void Retention_bytes_deletes_oldest_segments_while_the_rest_still_reaches_the_limit()
    {
        var config = TopicConfig.Default with { RetentionMs = -1, RetentionBytes = 150 };

        // 350 bytes in all: dropping the first leaves 250 and the second 150, both still at least the limit; the third stays.
        Assert.Equal(2, RetentionPolicy.SegmentsToDelete(Segments, 50, config, nowMs: 0));
    }

    [Fact]
    public void Without_limits_nothing_is_deleted()
    {
        var config = TopicConfig.Default with { RetentionMs = -1, RetentionBytes = -1 };

        Assert.Equal(0, RetentionPolicy.SegmentsToDelete(Segments, 50, config, nowMs: long.MaxValue));
    }
}
