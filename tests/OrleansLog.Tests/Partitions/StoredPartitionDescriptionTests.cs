using OrleansLog.Partitions;
using OrleansLog.Segments;

namespace OrleansLog.Tests.Partitions;

public sealed class StoredPartitionDescriptionTests
{
    [Fact]
    public void A_manifest_of_a_cleanly_stopped_partition_describes_it_as_idle_with_its_stored_offsets_and_bytes()
    {
        var manifest = new PartitionManifest
        {
            LogStartOffset = 100,
            LeaderEpoch = 7,
            Segments = [new SegmentInfo { BaseOffset = 100, LastOffset = 199, SizeBytes = 4_000 }, new SegmentInfo { BaseOffset = 200, LastOffset = 299, SizeBytes = 5_000 }],
            ActiveBaseOffset = 300,
            StoppedHighWatermark = 342,
            StoppedActiveSegmentBytes = 1_500,
        };

        var description = manifest.DescribeStopped(3);

        Assert.Equal(new PartitionDescription(3, 100, 342, 3, 10_500, 7, Host: null), description);
        Assert.False(description!.IsActive);
    }

    [Fact]
    public void An_empty_active_segment_at_the_clean_stop_is_not_counted_as_a_segment()
    {
        var manifest = new PartitionManifest { ActiveBaseOffset = 0, LeaderEpoch = 1, StoppedHighWatermark = 0, StoppedActiveSegmentBytes = 0 };

        Assert.Equal(new PartitionDescription(0, 0, 0, 0, 0, 1, Host: null), manifest.DescribeStopped(0));
    }

    [Fact]
    public void A_manifest_without_a_clean_stop_cannot_describe_the_partition()
    {
        // An activation runs now, or the last one crashed: only the partition knows where its log ends.
        var manifest = new PartitionManifest { LeaderEpoch = 4, ActiveBaseOffset = 50, StoppedHighWatermark = null };

        Assert.Null(manifest.DescribeStopped(0));
    }

    [Theory]
    [InlineData(OffsetSpec.Earliest, 100L)]
    [InlineData(OffsetSpec.Latest, 342L)]
    public void Earliest_and_latest_offsets_of_an_idle_partition_come_from_its_stored_description(long spec, long expected)
    {
        var stored = new PartitionDescription(3, 100, 342, 3, 10_500, 7, Host: null);

        Assert.Equal(new OffsetAndTimestamp(expected, -1), StoredPartitionReader.StoredOffset(stored, spec));
    }

    [Fact]
    public void A_timestamp_in_an_empty_idle_partition_finds_nothing_without_asking_the_partition()
    {
        var empty = new PartitionDescription(0, 25, 25, 1, 0, 2, Host: null);

        Assert.Equal(new OffsetAndTimestamp(-1, -1), StoredPartitionReader.StoredOffset(empty, 1_700_000_000_000));
    }

    [Fact]
    public void A_timestamp_in_an_idle_partition_with_records_needs_the_partition_index()
    {
        var stored = new PartitionDescription(0, 0, 10, 1, 700, 2, Host: null);

        Assert.Null(StoredPartitionReader.StoredOffset(stored, 1_700_000_000_000));
    }
}
