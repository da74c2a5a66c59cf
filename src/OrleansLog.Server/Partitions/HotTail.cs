using System.Runtime.InteropServices;

namespace OrleansLog.Partitions;

/// <summary>The newest batches of a partition, in offset order, kept in memory so that tail reads never touch storage.</summary>
/// <remarks>A ring of entries: appends at the end and trims at the start are O(1); lookups are binary searches.</remarks>
internal sealed class HotTail
{
    private TailEntry[] _items = new TailEntry[64];
    private int _head;
    private int _count;

    /// <summary>How many batches the tail holds.</summary>
    public int Count => _count;

    /// <summary>The bytes of the batches the tail holds.</summary>
    public long Bytes { get; private set; }

    /// <summary>The base offset of the oldest batch held, or -1 when empty.</summary>
    public long FirstOffset => _count == 0 ? -1 : At(0).BaseOffset;

    /// <summary>The batch at position <paramref name="index"/>, oldest first.</summary>
    public ref readonly TailEntry At(int index) => ref _items[(_head + index) & (_items.Length - 1)];

    /// <summary>Adds the newest batch.</summary>
    public void Append(in TailEntry entry)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[(_head + _count) & (_items.Length - 1)] = entry;
        _count++;
        Bytes += entry.Batch.Length;
    }

    /// <summary>True when the batch holding <paramref name="offset"/> is in the tail.</summary>
    public bool Contains(long offset) => _count > 0 && offset >= At(0).BaseOffset && offset <= At(_count - 1).LastOffset;

    /// <summary>
    /// Adds to <paramref name="chunks"/> the batches from the one holding <paramref name="offset"/> up to (not including) <paramref name="endOffset"/>,
    /// stopping before <paramref name="maxBytes"/> is passed (the first batch is always taken). Returns the bytes added, 0 when the offset is not held.
    /// </summary>
    public int Collect(long offset, long endOffset, int maxBytes, List<ReadOnlyMemory<byte>> chunks)
    {
        var index = Find(offset);
        if (index < 0)
        {
            return 0;
        }

        var total = 0;
        for (; index < _count; index++)
        {
            ref readonly var entry = ref At(index);
            if (entry.LastOffset >= endOffset || (total > 0 && total + entry.Batch.Length > maxBytes))
            {
                break;
            }

            AppendChunk(chunks, entry.Batch);
            total += entry.Batch.Length;
        }

        return total;
    }

    /// <summary>Drops the oldest batches while the tail holds more than <paramref name="maxBytes"/>, never one at or beyond <paramref name="durableEnd"/> (not yet in storage).</summary>
    public long TrimTo(long maxBytes, long durableEnd)
    {
        long freed = 0;
        while (_count > 0 && Bytes > maxBytes && At(0).LastOffset < durableEnd)
        {
            freed += RemoveFirst();
        }

        return freed;
    }

    /// <summary>Drops batches that lie wholly before <paramref name="logStartOffset"/>.</summary>
    public long TrimBefore(long logStartOffset)
    {
        long freed = 0;
        while (_count > 0 && At(0).LastOffset < logStartOffset)
        {
            freed += RemoveFirst();
        }

        return freed;
    }

    /// <summary>Drops everything; returns the bytes freed.</summary>
    public long Clear()
    {
        var freed = Bytes;
        Array.Clear(_items);
        _head = 0;
        _count = 0;
        Bytes = 0;
        return freed;
    }

    /// <summary>The position of the batch holding <paramref name="offset"/>, or -1 when it is not held.</summary>
    public int IndexOf(long offset) => Find(offset);

    private int Find(long offset)
    {
        if (!Contains(offset))
        {
            return -1;
        }

        int lo = 0, hi = _count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (At(mid).BaseOffset <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    private int RemoveFirst()
    {
        ref var first = ref _items[_head];
        var size = first.Batch.Length;
        first = default;
        _head = (_head + 1) & (_items.Length - 1);
        _count--;
        Bytes -= size;
        return size;
    }

    private void Grow()
    {
        var items = new TailEntry[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            items[i] = At(i);
        }

        _items = items;
        _head = 0;
    }

    // Batches that arrived in one call sit back to back in one array: hand them out as one slice.
    private static void AppendChunk(List<ReadOnlyMemory<byte>> chunks, ReadOnlyMemory<byte> batch)
    {
        if (chunks.Count > 0
            && MemoryMarshal.TryGetArray(chunks[^1], out var previous)
            && MemoryMarshal.TryGetArray(batch, out var next)
            && ReferenceEquals(previous.Array, next.Array)
            && previous.Offset + previous.Count == next.Offset)
        {
            chunks[^1] = new ReadOnlyMemory<byte>(previous.Array, previous.Offset, previous.Count + next.Count);
            return;
        }

        chunks.Add(batch);
    }
}
