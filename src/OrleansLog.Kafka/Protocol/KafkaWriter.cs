using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace OrleansLog.Kafka.Protocol;

/// <summary>
/// Writes Kafka's primitive types to an <see cref="IBufferWriter{T}"/> (an ArrayBufferWriter, a PipeWriter...).
/// It writes no frame: the 4-byte size before a request or response is the caller's.
/// </summary>
public ref struct KafkaWriter
{
    private readonly IBufferWriter<byte> _output;
    private long _bytesWritten;

    /// <summary>Writes to <paramref name="output"/>.</summary>
    public KafkaWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>How many bytes this writer has written.</summary>
    public readonly long BytesWritten => _bytesWritten;

    /// <summary>An int8.</summary>
    public void WriteInt8(sbyte value)
    {
        _output.GetSpan(1)[0] = (byte)value;
        Advance(1);
    }

    /// <summary>A bool as one byte, 1 or 0.</summary>
    public void WriteBool(bool value)
    {
        _output.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        Advance(1);
    }

    /// <summary>A big-endian int16.</summary>
    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(_output.GetSpan(2), value);
        Advance(2);
    }

    /// <summary>A big-endian uint16.</summary>
    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_output.GetSpan(2), value);
        Advance(2);
    }

    /// <summary>A big-endian int32.</summary>
    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    /// <summary>A big-endian uint32.</summary>
    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    /// <summary>A big-endian int64.</summary>
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    /// <summary>A big-endian IEEE 754 float64.</summary>
    public void WriteFloat64(double value)
    {
        BinaryPrimitives.WriteDoubleBigEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    /// <summary>A uuid: 16 bytes, most significant first, as Kafka writes its two longs.</summary>
    public void WriteUuid(Guid value)
    {
        value.TryWriteBytes(_output.GetSpan(16), bigEndian: true, out _);
        Advance(16);
    }

    /// <summary>An unsigned varint: 7 bits a byte, low bits first, high bit set on all but the last byte.</summary>
    public void WriteUnsignedVarInt(uint value)
    {
        Span<byte> span = _output.GetSpan(5);
        int length = 0;
        while (value >= 0x80)
        {
            span[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[length++] = (byte)value;
        Advance(length);
    }

    /// <summary>A zigzag-encoded signed varint.</summary>
    public void WriteVarInt(int value) => WriteUnsignedVarInt((uint)((value << 1) ^ (value >> 31)));

    /// <summary>A zigzag-encoded signed varlong.</summary>
    public void WriteVarLong(long value)
    {
        ulong raw = (ulong)((value << 1) ^ (value >> 63));
        Span<byte> span = _output.GetSpan(10);
        int length = 0;
        while (raw >= 0x80)
        {
            span[length++] = (byte)(raw | 0x80);
            raw >>= 7;
        }

        span[length++] = (byte)raw;
        Advance(length);
    }

    /// <summary>A non-null UTF-8 string: int16 length (non-compact) or unsigned varint length + 1 (compact).</summary>
    public void WriteString(string value, bool compact)
    {
        ArgumentNullException.ThrowIfNull(value);
        int byteCount = Encoding.UTF8.GetByteCount(value);
        if (compact)
        {
            WriteUnsignedVarInt((uint)byteCount + 1);
        }
        else
        {
            if (byteCount > short.MaxValue)
            {
                throw new KafkaProtocolException(KafkaErrorCode.UnknownServerError, $"A string of {byteCount} UTF-8 bytes is longer than the {short.MaxValue} a non-compact string can carry.");
            }

            WriteInt16((short)byteCount);
        }

        Encoding.UTF8.GetBytes(value, _output.GetSpan(byteCount));
        Advance(byteCount);
    }

    /// <summary>A UTF-8 string that may be null: length -1 (non-compact) or 0 (compact) for null.</summary>
    public void WriteNullableString(string? value, bool compact)
    {
        if (value is not null)
        {
            WriteString(value, compact);
        }
        else if (compact)
        {
            WriteUnsignedVarInt(0);
        }
        else
        {
            WriteInt16(-1);
        }
    }

    /// <summary>Non-null bytes: int32 length (non-compact) or unsigned varint length + 1 (compact).</summary>
    public void WriteBytes(ReadOnlySpan<byte> value, bool compact)
    {
        WriteLength(value.Length, compact);
        WriteRaw(value);
    }

    /// <summary>Bytes that may be null.</summary>
    public void WriteNullableBytes(byte[]? value, bool compact)
    {
        if (value is null)
        {
            WriteNull(compact);
        }
        else
        {
            WriteBytes(value, compact);
        }
    }

    /// <summary>A records field: the record batches' bytes exactly as given, or null.</summary>
    public void WriteRecords(ReadOnlyMemory<byte>? records, bool compact)
    {
        if (records is not { } bytes)
        {
            WriteNull(compact);
            return;
        }

        WriteLength(bytes.Length, compact);
        WriteRaw(bytes.Span);
    }

    /// <summary>An array's element count: int32 (non-compact) or unsigned varint count + 1 (compact).</summary>
    public void WriteArrayLength(int count, bool compact)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteLength(count, compact);
    }

    /// <summary>A null array: count -1 (non-compact) or 0 (compact).</summary>
    public void WriteNullArray(bool compact) => WriteNull(compact);

    /// <summary>One tagged field: its tag, its size, then the value already encoded.</summary>
    public void WriteTaggedField(uint tag, ReadOnlySpan<byte> value)
    {
        WriteUnsignedVarInt(tag);
        WriteUnsignedVarInt((uint)value.Length);
        WriteRaw(value);
    }

    /// <summary>Bytes as they are, with no length.</summary>
    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        // Copied in the pieces the output offers, so a large record set does not ask a pipe for one huge segment.
        while (!value.IsEmpty)
        {
            Span<byte> span = _output.GetSpan();
            int count = Math.Min(span.Length, value.Length);
            value[..count].CopyTo(span);
            Advance(count);
            value = value[count..];
        }
    }

    private void WriteLength(int length, bool compact)
    {
        if (compact)
        {
            WriteUnsignedVarInt((uint)length + 1);
        }
        else
        {
            WriteInt32(length);
        }
    }

    private void WriteNull(bool compact)
    {
        if (compact)
        {
            WriteUnsignedVarInt(0);
        }
        else
        {
            WriteInt32(-1);
        }
    }

    private void Advance(int count)
    {
        _output.Advance(count);
        _bytesWritten += count;
    }
}
