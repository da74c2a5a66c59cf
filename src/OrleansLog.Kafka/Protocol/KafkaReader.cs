using System.Buffers.Binary;
using System.Text;

namespace OrleansLog.Kafka.Protocol;

/// <summary>
/// Reads Kafka's primitive types from one whole, already framed message (the bytes after the 4-byte size).
/// Every read checks the bytes remaining, so malformed or truncated input throws <see cref="KafkaProtocolException"/>,
/// never an index or overflow error.
/// </summary>
/// <remarks>
/// Made from a <see cref="ReadOnlyMemory{T}"/>, records and the readers of tagged fields are slices of that memory
/// (no copy: the buffer must outlive the message); made from a span, records are copied.
/// </remarks>
public ref struct KafkaReader
{
    private readonly ReadOnlySpan<byte> _span;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly bool _hasMemory;
    private int _position;

    /// <summary>Reads from a span; records are copied out of it.</summary>
    public KafkaReader(ReadOnlySpan<byte> buffer)
    {
        _span = buffer;
    }

    /// <summary>Reads from memory; records are slices of it, not copies.</summary>
    public KafkaReader(ReadOnlyMemory<byte> buffer)
    {
        _span = buffer.Span;
        _memory = buffer;
        _hasMemory = true;
    }

    /// <summary>How many bytes have been read so far.</summary>
    public readonly int Position => _position;

    /// <summary>How many bytes are left to read.</summary>
    public readonly int Remaining => _span.Length - _position;

    /// <summary>An int8, or a byte as Kafka reads it.</summary>
    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    /// <summary>A bool: one byte, non-zero is true.</summary>
    public bool ReadBool() => Take(1)[0] != 0;

    /// <summary>A big-endian int16.</summary>
    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    /// <summary>A big-endian uint16.</summary>
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    /// <summary>A big-endian int32.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    /// <summary>A big-endian uint32.</summary>
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    /// <summary>A big-endian int64.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>A big-endian IEEE 754 float64.</summary>
    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    /// <summary>A uuid: 16 bytes, most significant first, as Kafka writes its two longs.</summary>
    public Guid ReadUuid() => new(Take(16), bigEndian: true);

    /// <summary>An unsigned varint of at most 5 bytes (lengths and tags in flexible versions).</summary>
    public uint ReadUnsignedVarInt()
    {
        uint result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = Take(1)[0];
            // The fifth byte may carry only the top 4 bits of 32 and no continuation.
            if (shift == 28 && b > 0x0F)
            {
                throw KafkaProtocolException.Malformed("an unsigned varint is longer than 32 bits");
            }

            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }
    }

    /// <summary>A zigzag-encoded signed varint of at most 5 bytes.</summary>
    public int ReadVarInt()
    {
        uint raw = ReadUnsignedVarInt();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    /// <summary>A zigzag-encoded signed varlong of at most 10 bytes.</summary>
    public long ReadVarLong()
    {
        ulong raw = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = Take(1)[0];
            if (shift == 63 && b > 0x01)
            {
                throw KafkaProtocolException.Malformed("a varlong is longer than 64 bits");
            }

            raw |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }
        }
    }

    /// <summary>A non-null UTF-8 string: int16 length (non-compact) or unsigned varint length + 1 (compact).</summary>
    public string ReadString(bool compact)
    {
        return ReadNullableString(compact) ?? throw KafkaProtocolException.Malformed("a non-nullable string was serialized as null");
    }

    /// <summary>A UTF-8 string that may be null: length -1 (non-compact) or 0 (compact).</summary>
    public string? ReadNullableString(bool compact)
    {
        int length = compact ? ReadCompactLength() : ReadInt16();
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>Non-null bytes: int32 length (non-compact) or unsigned varint length + 1 (compact); copied.</summary>
    public byte[] ReadBytes(bool compact)
    {
        return ReadNullableBytes(compact) ?? throw KafkaProtocolException.Malformed("non-nullable bytes were serialized as null");
    }

    /// <summary>Bytes that may be null; copied.</summary>
    public byte[]? ReadNullableBytes(bool compact)
    {
        int length = compact ? ReadCompactLength() : ReadInt32();
        return length < 0 ? null : Take(length).ToArray();
    }

    /// <summary>
    /// A records field (record batches) as raw bytes, never decoded; null for a null length. A slice of the
    /// reader's memory when it was made from memory, else a copy.
    /// </summary>
    public ReadOnlyMemory<byte>? ReadRecords(bool compact)
    {
        int length = compact ? ReadCompactLength() : ReadInt32();
        if (length < 0)
        {
            return null;
        }

        int start = _position;
        ReadOnlySpan<byte> bytes = Take(length);
        return _hasMemory ? _memory.Slice(start, length) : bytes.ToArray();
    }

    /// <summary>
    /// An array's element count, or -1 for a null array. A count larger than the bytes left is refused before
    /// anything is allocated, since every element takes at least one byte.
    /// </summary>
    public int ReadArrayLength(bool compact)
    {
        int count = compact ? ReadCompactLength() : ReadInt32();
        if (count < 0)
        {
            return -1;
        }

        if (count > Remaining)
        {
            throw KafkaProtocolException.Malformed($"an array of {count} elements cannot fit in the {Remaining} bytes left");
        }

        return count;
    }

    /// <summary>Reads a tagged field's size and returns a reader over its value, moving this reader past it.</summary>
    public KafkaReader ReadTaggedFieldValue()
    {
        int size = ToLength(ReadUnsignedVarInt(), "tagged field size");
        int start = _position;
        ReadOnlySpan<byte> value = Take(size);
        return _hasMemory ? new KafkaReader(_memory.Slice(start, size)) : new KafkaReader(value);
    }

    /// <summary>Skips a whole tagged-field section (count, then tag, size and value of each).</summary>
    public void SkipTaggedFields()
    {
        uint count = ReadUnsignedVarInt();
        for (uint i = 0; i < count; i++)
        {
            ReadUnsignedVarInt();
            Skip(ToLength(ReadUnsignedVarInt(), "tagged field size"));
        }
    }

    /// <summary>The next <paramref name="count"/> bytes as they are.</summary>
    public ReadOnlySpan<byte> ReadRaw(int count)
    {
        if (count < 0)
        {
            throw KafkaProtocolException.Malformed($"a length of {count}");
        }

        return Take(count);
    }

    /// <summary>Moves past <paramref name="count"/> bytes.</summary>
    public void Skip(int count) => ReadRaw(count);

    // Compact lengths are stored plus one so that zero can mean null.
    private int ReadCompactLength()
    {
        uint raw = ReadUnsignedVarInt();
        return raw == 0 ? -1 : ToLength(raw - 1, "compact length");
    }

    private static int ToLength(uint value, string what)
    {
        if (value > int.MaxValue)
        {
            throw KafkaProtocolException.Malformed($"a {what} of {value}");
        }

        return (int)value;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)(_span.Length - _position))
        {
            throw KafkaProtocolException.Truncated(count, _span.Length - _position);
        }

        ReadOnlySpan<byte> slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }
}
