using System.Globalization;

namespace OrleansLog.Segments;

/// <summary>Where a partition's segments live in the container: <c>topics/{topicId}/{partition}/{baseOffset:D20}.log|.index|.checkpoint</c>.</summary>
internal static class SegmentPaths
{
    /// <summary>The prefix under which everything of one topic lives.</summary>
    public static string TopicPrefix(Guid topicId) => string.Create(CultureInfo.InvariantCulture, $"topics/{topicId}/");

    /// <summary>The segment data blob (an append blob).</summary>
    public static string Log(Guid topicId, int partition, long baseOffset) =>
        string.Create(CultureInfo.InvariantCulture, $"topics/{topicId}/{partition}/{baseOffset:D20}.log");

    /// <summary>The segment's sparse index blob, written at seal.</summary>
    public static string Index(Guid topicId, int partition, long baseOffset) =>
        string.Create(CultureInfo.InvariantCulture, $"topics/{topicId}/{partition}/{baseOffset:D20}.index");

    /// <summary>The active segment's recovery checkpoint (<c>SegmentCheckpoint</c>), rewritten as the segment grows and deleted at seal.</summary>
    public static string Checkpoint(Guid topicId, int partition, long baseOffset) =>
        string.Create(CultureInfo.InvariantCulture, $"topics/{topicId}/{partition}/{baseOffset:D20}.checkpoint");
}
