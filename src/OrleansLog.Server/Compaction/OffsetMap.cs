using System.IO.Hashing;

namespace OrleansLog.Compaction;

/// <summary>
/// The log cleaner's map from key to the newest offset seen for it, in a fixed memory budget: each slot holds a 128-bit hash of
/// the key and an offset (24 bytes, as Kafka's SkimpyOffsetMap holds an MD5 and an offset), found by linear probing. Keys are
/// never stored, so memory does not grow with key size; two keys sharing a 128-bit hash is the one way it can be wrong, and
/// vanishingly unlikely. It fills up at <see cref="LoadFactor"/> of its slots, and then takes no new key.
/// </summary>
internal sealed class OffsetMap
{
    /// <summary>The bytes one slot takes.</summary>
    public const int BytesPerSlot = 24;

    /// <summary>The share of slots in use at which the map counts as full (probing stays short below it).</summary>
    public const double LoadFactor = 0.9;

    private readonly ulong[] _low;
    private readonly ulong[] _high;
    private readonly long[] _offsets;
    private readonly int _maxEntries;

    /// <summary>Creates a map of at most <paramref name="memoryBytes"/>, sized for <paramref name="expectedKeys"/> when that is less.</summary>
    public OffsetMap(long memoryBytes, long expectedKeys = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryBytes, BytesPerSlot * 2L);
        var wanted = Math.Min(memoryBytes / BytesPerSlot, Math.Ceiling(Math.Max(expectedKeys, 1) / LoadFactor) + 1);
        var slots = (int)Math.Clamp(wanted, 2, Array.MaxLength);
        _low = new ulong[slots];
        _high = new ulong[slots];
        _offsets = new long[slots];
        Array.Fill(_offsets, -1L);
        _maxEntries = Math.Max(1, (int)(slots * LoadFactor));
    }

    /// <summary>The distinct keys the map holds.</summary>
    public int Count { get; private set; }

    /// <summary>The slots the map has (its memory is <see cref="BytesPerSlot"/> times this).</summary>
    public int Slots => _offsets.Length;

    /// <summary>True when no new key fits.</summary>
    public bool IsFull => Count >= _maxEntries;

    /// <summary>Records <paramref name="offset"/> as the newest of <paramref name="key"/>; false (and nothing recorded) when the key is new and the map is full.</summary>
    public bool TryPut(ReadOnlySpan<byte> key, long offset)
    {
        var hash = XxHash128.HashToUInt128(key);
        var slot = Find((ulong)hash, (ulong)(hash >> 64));
        if (_offsets[slot] < 0)
        {
            if (IsFull)
            {
                return false;
            }

            _low[slot] = (ulong)hash;
            _high[slot] = (ulong)(hash >> 64);
            Count++;
        }

        _offsets[slot] = offset;
        return true;
    }

    /// <summary>The newest offset recorded for <paramref name="key"/>, or -1.</summary>
    public long Get(ReadOnlySpan<byte> key)
    {
        var hash = XxHash128.HashToUInt128(key);
        return _offsets[Find((ulong)hash, (ulong)(hash >> 64))];
    }

    // The slot holding the hash, or the empty slot where it would go; the map is never full of slots, so the probe ends.
    private int Find(ulong low, ulong high)
    {
        var slot = (int)(low % (ulong)_offsets.Length);
        while (_offsets[slot] >= 0 && (_low[slot] != low || _high[slot] != high))
        {
            slot = slot + 1 == _offsets.Length ? 0 : slot + 1;
        }

        return slot;
    }
}
