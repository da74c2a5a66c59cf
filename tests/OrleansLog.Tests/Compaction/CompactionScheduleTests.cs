using OrleansLog.Compaction;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Compaction;

public sealed class CompactionScheduleTests
{
    private const long Now = 10_000_000;

    private static readonly SegmentInfo[] Segments =
    [
        new() { BaseOffset = 0, LastOffset = 99, SizeBytes = 1_000, FirstTimestamp = Now - 500_000, MaxTimestamp = Now - 400_000 },
        new() { BaseOffset = 100, LastOffset = 199, SizeBytes = 1_000, FirstTimestamp = Now - 300_000, MaxTimestamp = Now - 200_000 },
        new() { BaseOffset = 200, LastOffset = 299, SizeBytes = 2_000, FirstTimestamp = Now - 100_000, MaxTimestamp = Now - 1_000 },
    ];

    [Fact]
    public void The_dirty_ratio_is_the_share_of_sealed_bytes_from_the_cleaner_checkpoint_on()
    {
        Assert.Equal(1.0, CompactionSchedule.DirtyRatio(Segments, 0));
        Assert.Equal(0.75, CompactionSchedule.DirtyRatio(Segments, 100));
        Assert.Equal(0.0, CompactionSchedule.DirtyRatio(Segments, 300));
        Assert.Equal(0.0, CompactionSchedule.DirtyRatio([], 0));
    }

    [Fact]
    public void Compaction_is_due_at_the_dirty_ratio_and_runs_to_the_end_of_the_sealed_segments()
    {
        var config = TopicConfig.Default with { CleanupPolicy = CleanupPolicy.Compact };

        Assert.Equal(300, CompactionSchedule.DueEnd(Segments, 100, config, Now));
        Assert.Equal(300, CompactionSchedule.DueEnd(Segments, 200, config, Now)); // 2,000 of 4,000 bytes: 0.5 reaches 0.5
        Assert.Equal(-1, CompactionSchedule.DueEnd(Segments, 200, config with { MinCleanableDirtyRatio = 0.6 }, Now));
        Assert.Equal(-1, CompactionSchedule.DueEnd(Segments, 300, config with { MinCleanableDirtyRatio = 0 }, Now));
    }

    [Fact]
    public void Segments_younger_than_the_minimum_lag_wait_and_those_older_than_the_maximum_lag_force_a_run()
    {
        var config = TopicConfig.Default with { CleanupPolicy = CleanupPolicy.Compact, MinCleanableDirtyRatio = 0.9 };

        Assert.Equal(-1, CompactionSchedule.DueEnd(Segments, 200, config, Now));
        Assert.Equal(300, CompactionSchedule.DueEnd(Segments, 200, config with { MaxCompactionLagMs = 50_000 }, Now));
        Assert.Equal(200, CompactionSchedule.DueEnd(Segments, 0, config with { MinCompactionLagMs = 100_000 }, Now));
        Assert.Equal(-1, CompactionSchedule.DueEnd(Segments, 200, config with { MinCompactionLagMs = 100_000, MaxCompactionLagMs = 50_000 }, Now));
    }
}
