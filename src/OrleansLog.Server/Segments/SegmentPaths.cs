using System.Globalization;

namespace OrleansLog.Segments;

/// <summary>
/// Where a partition's segments live in the container: <c>topics/{topicId}/{partition}/{baseOffset:D20}.log|.index|.checkpoint</c>,
/// and <c>{baseOffset:D20}-{generation}.log|.index</c> for a segment compaction rewrote.
/// </summary>
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

    /// <summary>The data blob of a sealed segment, of any generation.</summary>
    public static string Log(Guid topicId, int partition, SegmentInfo segment) =>
        segment.Generation == 0 ? Log(topicId, partition, segment.BaseOffset)
            : string.Create(CultureInfo.InvariantCulture, $"topics/{topicId}/{partition}/{segment.BaseOffset:D20}-{segment.Generation}.log");

    /// <summary>The index blob of a sealed segment, of any generation.</summary>
    public static string Index(Guid topicId, int partition, SegmentInfo segment) =>
        segment.Generation == 0 ? Index(topicId, partition, segment.BaseOffset)
            : string.Create(CultureInfo.InvariantCulture, $"topics/{topicId}/{partition}/{segment.BaseOffset:D20}-{segment.Generation}.index");

    /// <summary>The prefix of everything of one partition.</summary>
    public static string PartitionPrefix(Guid topicId, int partition) => string.Create(CultureInfo.InvariantCulture, $"topics/{topicId}/{partition}/");

    /// <summary>
    /// Reads a segment blob's name (the part after <see cref="PartitionPrefix"/>): its base offset, generation and kind (log, index
    /// or checkpoint); false for any other name.
    /// </summary>
    public static bool TryParse(string name, out long baseOffset, out int generation, out string kind)
    {
        baseOffset = 0;
        generation = 0;
        kind = "";
        var dot = name.LastIndexOf('.');
        if (dot < 20 || !long.TryParse(name.AsSpan(0, 20), NumberStyles.None, CultureInfo.InvariantCulture, out baseOffset))
        {
            return false;
        }

        kind = name[(dot + 1)..];
        if (kind is not ("log" or "index" or "checkpoint"))
        {
            return false;
        }

        return dot == 20 || (name[20] == '-' && kind != "checkpoint"
            && int.TryParse(name.AsSpan(21, dot - 21), NumberStyles.None, CultureInfo.InvariantCulture, out generation) && generation > 0);
    }

    /// <summary>The active segment's recovery checkpoint (<c>SegmentCheckpoint</c>), rewritten as the segment grows and deleted at seal.</summary>
    public static string Checkpoint(Guid topicId, int partition, long baseOffset) =>
        string.Create(CultureInfo.InvariantCulture, $"topics/{topicId}/{partition}/{baseOffset:D20}.checkpoint");
}

/// <summary>Operations on whole sealed segments (a log blob and its index) of an <see cref="ISegmentStore"/>.</summary>
internal static class SegmentStoreExtensions
{
    /// <summary>Deletes a sealed segment's log and index blobs (either may already be gone).</summary>
    public static async Task DeleteSegmentAsync(this ISegmentStore store, Guid topicId, int partition, SegmentInfo segment, CancellationToken cancellationToken)
    {
        await store.DeleteAsync(SegmentPaths.Log(topicId, partition, segment), cancellationToken).ConfigureAwait(false);
        await store.DeleteAsync(SegmentPaths.Index(topicId, partition, segment), cancellationToken).ConfigureAwait(false);
    }
}
