using OrleansLog.Segments;

namespace OrleansLog.Tests.Segments;

public sealed class SegmentPathsTests
{
    private static readonly Guid TopicId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    [Fact]
    public void Log_and_index_blob_names_follow_the_documented_layout()
    {
        Assert.Equal("topics/0f8fad5b-d9cb-469f-a165-70867728950e/", SegmentPaths.TopicPrefix(TopicId));
        Assert.Equal("topics/0f8fad5b-d9cb-469f-a165-70867728950e/3/00000000000000000042.log", SegmentPaths.Log(TopicId, 3, 42));
        Assert.Equal("topics/0f8fad5b-d9cb-469f-a165-70867728950e/3/00000000000000000042.index", SegmentPaths.Index(TopicId, 3, 42));
        Assert.Equal("topics/0f8fad5b-d9cb-469f-a165-70867728950e/0/00000000000000000000.log", SegmentPaths.Log(TopicId, 0, 0));
        Assert.Equal("topics/0f8fad5b-d9cb-469f-a165-70867728950e/17/09223372036854775807.index", SegmentPaths.Index(TopicId, 17, long.MaxValue));
    }

    [Fact]
    public void Every_segment_blob_lies_under_its_topic_prefix_and_differs_only_in_the_extension()
    {
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            var topicId = Guid.NewGuid();
            var partition = random.Next(0, 1000);
            var baseOffset = random.NextInt64(0, long.MaxValue);

            var log = SegmentPaths.Log(topicId, partition, baseOffset);
            var index = SegmentPaths.Index(topicId, partition, baseOffset);

            Assert.StartsWith(SegmentPaths.TopicPrefix(topicId) + partition + "/", log);
            Assert.EndsWith(".log", log);
            Assert.Equal(log[..^".log".Length] + ".index", index);
            Assert.Equal(baseOffset, long.Parse(log[(log.LastIndexOf('/') + 1)..^".log".Length]));
            Assert.Equal(20, log[(log.LastIndexOf('/') + 1)..^".log".Length].Length);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Lexical_order_of_segment_names_equals_base_offset_order(int seed)
    {
        var random = new Random(seed);
        var offsets = new List<long> { 0, 1, 9, 10, 99, 100, 999_999_999, 1_000_000_000, long.MaxValue - 1, long.MaxValue };
        for (var i = 0; i < 500; i++)
        {
            // Offsets of every magnitude, so digit counts differ.
            offsets.Add(random.NextInt64(0, (long)Math.Pow(10, random.Next(1, 19))));
        }

        var names = offsets.Distinct().Select(o => (Offset: o, Log: SegmentPaths.Log(TopicId, 5, o), Index: SegmentPaths.Index(TopicId, 5, o))).ToList();

        Assert.Equal(
            names.OrderBy(n => n.Offset).Select(n => n.Offset),
            names.OrderBy(n => n.Log, StringComparer.Ordinal).Select(n => n.Offset));
        Assert.Equal(
            names.OrderBy(n => n.Offset).Select(n => n.Offset),
            names.OrderBy(n => n.Index, StringComparer.Ordinal).Select(n => n.Offset));
    }

    [Fact]
    public void Names_of_compacted_generations_parse_back_and_other_names_do_not()
    {
        var compacted = new SegmentInfo { BaseOffset = 42, Generation = 3 };
        var prefix = SegmentPaths.PartitionPrefix(TopicId, 3);

        Assert.Equal($"{prefix}00000000000000000042-3.log", SegmentPaths.Log(TopicId, 3, compacted));
        Assert.Equal(SegmentPaths.Log(TopicId, 3, 42), SegmentPaths.Log(TopicId, 3, compacted with { Generation = 0 }));
        Assert.True(SegmentPaths.TryParse(SegmentPaths.Index(TopicId, 3, compacted)[prefix.Length..], out var offset, out var generation, out var kind));
        Assert.Equal((42L, 3, "index"), (offset, generation, kind));
        Assert.True(SegmentPaths.TryParse(SegmentPaths.Checkpoint(TopicId, 3, 7)[prefix.Length..], out offset, out generation, out kind));
        Assert.Equal((7L, 0, "checkpoint"), (offset, generation, kind));
        foreach (var other in new[] { "00000000000000000042-0.log", "00000000000000000042-x.log", "00000000000000000042-1.checkpoint", "00000000000000000042.json", "42.log", "manifest.json" })
        {
            Assert.False(SegmentPaths.TryParse(other, out _, out _, out _), other);
        }
    }
}
