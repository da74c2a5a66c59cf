using System.Buffers.Binary;
using OrleansLog.Errors;
using OrleansLog.Records;

namespace OrleansLog.Segments;

/// <summary>The sparse offset and time index of one segment: an entry at its first batch and then one every <c>index.interval.bytes</c>.</summary>
/// <remarks>Built while batches are appended (or scanned on recovery) and written as the segment's <c>.index</c> blob when it is sealed.</remarks>
internal sealed class SegmentIndex
{
    private const uint Magic = 0x4F4C4958; // "OLIX"
    private const int HeaderSize = 8;
    private const int EntrySize = 24;

    private readonly List<IndexEntry> _entries;
    private long _bytesSinceEntry;
    private long _maxTimestamp = -1;

    /// <summary>Creates an empty index.</summary>
    public SegmentIndex()
        : this(new List<IndexEntry>())
    {
    }

    private SegmentIndex(List<IndexEntry> entries) => _entries = entries;

    /// <summary>The index points, in offset and position order.</summary>
    public IReadOnlyList<IndexEntry> Entries => _entries;

    /// <summary>Records a batch appended at <paramref name="position"/>, adding an entry where the interval says so.</summary>
    public void Add(long baseOffset, int size, long maxTimestamp, long position, int indexIntervalBytes)
    {
        if (_entries.Count == 0 || _bytesSinceEntry >= indexIntervalBytes)
        {
            _entries.Add(new IndexEntry(baseOffset, position, _maxTimestamp));
            _bytesSinceEntry = 0;
        }

        _bytesSinceEntry += size;
        _maxTimestamp = Math.Max(_maxTimestamp, maxTimestamp);
    }

    /// <summary>
    /// Continues an index read back from a checkpoint of a segment that is still written: later batches from byte
    /// <paramref name="segmentSize"/> get entries exactly where they would have had the index never left memory.
    /// </summary>
    public SegmentIndex ResumeAt(long segmentSize, long maxTimestamp)
    {
        _bytesSinceEntry = _entries.Count == 0 ? 0 : segmentSize - _entries[^1].Position;
        _maxTimestamp = maxTimestamp;
        return this;
    }

    /// <summary>The last entry at or before <paramref name="offset"/> (the first entry when the offset precedes it).</summary>
    public IndexEntry FindOffset(long offset)
    {
        int lo = 0, hi = _entries.Count - 1, found = 0;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_entries[mid].Offset <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return _entries.Count == 0 ? default : _entries[found];
    }

    /// <summary>The last entry before which no batch has a timestamp of at least <paramref name="timestamp"/>: where a time search starts scanning.</summary>
    public IndexEntry FindTimestamp(long timestamp)
    {
        var found = _entries.Count == 0 ? default : _entries[0];
        foreach (var entry in _entries)
        {
            if (entry.MaxTimestampBefore >= timestamp)
            {
                break;
            }

            found = entry;
        }

        return found;
    }

    /// <summary>Serializes the index for its blob (big-endian entries behind a magic number and count, then a CRC-32C).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[HeaderSize + (_entries.Count * EntrySize) + 4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), _entries.Count);
        var span = bytes.AsSpan(HeaderSize);
        foreach (var entry in _entries)
        {
            BinaryPrimitives.WriteInt64BigEndian(span, entry.Offset);
            BinaryPrimitives.WriteInt64BigEndian(span[8..], entry.Position);
            BinaryPrimitives.WriteInt64BigEndian(span[16..], entry.MaxTimestampBefore);
            span = span[EntrySize..];
        }

        BinaryPrimitives.WriteUInt32BigEndian(span, Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    /// <summary>Reads an index written by <see cref="ToBytes"/>; throws <see cref="InvalidRecordException"/> when it is damaged.</summary>
    public static SegmentIndex Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderSize + 4 || BinaryPrimitives.ReadUInt32BigEndian(bytes) != Magic)
        {
            throw new InvalidRecordException("Segment index blob is not an OrleansLog index (bad magic or too short).");
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(bytes[4..]);
        if (count < 0 || bytes.Length != HeaderSize + ((long)count * EntrySize) + 4)
        {
            throw new InvalidRecordException($"Segment index blob holds {bytes.Length} bytes, which does not fit its entry count {count}.");
        }

        var stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[^4..]);
        if (stored != Crc32C.Compute(bytes[..^4]))
        {
            throw new InvalidRecordException("Segment index blob CRC mismatch; the index is corrupt.");
        }

        var entries = new List<IndexEntry>(count);
        var span = bytes[HeaderSize..^4];
        for (var i = 0; i < count; i++)
        {
            entries.Add(new IndexEntry(
                BinaryPrimitives.ReadInt64BigEndian(span),
                BinaryPrimitives.ReadInt64BigEndian(span[8..]),
                BinaryPrimitives.ReadInt64BigEndian(span[16..])));
            span = span[EntrySize..];
        }

        return new SegmentIndex(entries);
    }
}
