using OrleansLog.Errors;
using OrleansLog.Topics;

namespace OrleansLog.Groups;

/// <summary>A consumer group's committed offsets, one per partition, with the checks every commit passes.</summary>
internal sealed class GroupOffsets
{
    private readonly Dictionary<TopicPartition, CommittedOffset> _offsets = [];

    /// <summary>How many partitions have a committed offset.</summary>
    public int Count => _offsets.Count;

    /// <summary>Takes over persisted offsets.</summary>
    public void Restore(GroupOffsetsState state)
    {
        foreach (var offset in state.Offsets)
        {
            _offsets[offset.TopicPartition] = offset;
        }
    }

    /// <summary>A copy of the offsets to persist.</summary>
    public GroupOffsetsState Snapshot() => new() { Offsets = [.. _offsets.Values] };

    /// <summary>Checks offsets before they are committed; throws <see cref="InvalidRequestException"/> or <see cref="InvalidTopicException"/> saying what is wrong.</summary>
    public static void Validate(CommittedOffset[] offsets)
    {
        foreach (var offset in offsets)
        {
            TopicName.Validate(offset.Topic);
            if (offset.Partition < 0)
            {
                throw new InvalidRequestException($"Cannot commit an offset for {offset.Topic} partition {offset.Partition}; partitions are numbered from 0.");
            }

            if (offset.Offset < 0)
            {
                throw new InvalidRequestException($"Cannot commit offset {offset.Offset} for {offset.TopicPartition}; a committed offset is the next offset to consume, 0 or more.");
            }

            if (offset.Metadata is { Length: > CommittedOffset.MaxMetadataLength })
            {
                throw new InvalidRequestException($"Commit metadata for {offset.TopicPartition} is {offset.Metadata.Length} characters; the limit is {CommittedOffset.MaxMetadataLength}.");
            }
        }
    }

    /// <summary>Stores validated offsets, stamped with <paramref name="committedAt"/>.</summary>
    public void Commit(CommittedOffset[] offsets, DateTimeOffset committedAt)
    {
        foreach (var offset in offsets)
        {
            _offsets[offset.TopicPartition] = offset with { CommittedAt = committedAt };
        }
    }

    /// <summary>The committed offsets of <paramref name="partitions"/>, or of every partition when null, sorted; partitions without one are left out.</summary>
    public CommittedOffset[] Get(TopicPartition[]? partitions)
    {
        if (partitions is null)
        {
            var all = _offsets.Values.ToArray();
            Array.Sort(all, (a, b) => a.TopicPartition.CompareTo(b.TopicPartition));
            return all;
        }

        var found = new List<CommittedOffset>(partitions.Length);
        foreach (var partition in partitions)
        {
            if (_offsets.TryGetValue(partition, out var offset))
            {
                found.Add(offset);
            }
        }

        return [.. found];
    }

    /// <summary>Forgets the offsets of <paramref name="partitions"/>; true when there were any.</summary>
    public bool Remove(TopicPartition[] partitions)
    {
        var removed = false;
        foreach (var partition in partitions)
        {
            removed |= _offsets.Remove(partition);
        }

        return removed;
    }

    /// <summary>Forgets every offset (the group was deleted).</summary>
    public void Clear() => _offsets.Clear();
}
