namespace OrleansLog.Records;

/// <summary>Kafka's zig-zag varints (ByteUtils.writeVarint / writeVarlong): 7 bits a byte, least significant group first.</summary>
internal static class VarInt
{
    public const int MaxVarIntBytes = 5;
    public const int MaxVarLongBytes = 10;

    public static int SizeOf(int value) => SizeOfUnsigned((uint)((value << 1) ^ (value >> 31)));

    public static int SizeOf(long value)
    {
        ulong v = (ulong)((value << 1) ^ (value >> 63));
        int bytes = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            bytes++;
        }

        return bytes;
    }

    private static int SizeOfUnsigned(uint v)
    {
        int bytes = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            bytes++;
        }

        return bytes;
    }

    /// <summary>Writes <paramref name="value"/> at <paramref name="destination"/>[0..]; the caller sized the span with <see cref="SizeOf(int)"/>.</summary>
    public static int Write(Span<byte> destination, int value)
    {
        uint v = (uint)((value << 1) ^ (value >> 31));
        int i = 0;
        while (v >= 0x80)
        {
            destination[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        destination[i++] = (byte)v;
        return i;
    }

    /// <summary>Writes <paramref name="value"/> at <paramref name="destination"/>[0..]; the caller sized the span with <see cref="SizeOf(long)"/>.</summary>
    public static int Write(Span<byte> destination, long value)
    {
        ulong v = (ulong)((value << 1) ^ (value >> 63));
        int i = 0;
        while (v >= 0x80)
        {
            destination[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        destination[i++] = (byte)v;
        return i;
    }

    /// <summary>Reads a varint at <paramref name="position"/>; false when the bytes end first or it is longer than 5 bytes or overflows 32 bits.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, ref int position, out int value)
    {
        uint result = 0;
        int pos = position;
        for (int shift = 0; shift < 35; shift += 7)
        {
            if ((uint)pos >= (uint)source.Length)
            {
                value = 0;
                return false;
            }

            uint b = source[pos++];
            if (shift == 28 && b > 0x0F)
            {
                // The fifth byte carries only the top 4 bits; anything more is not a 32-bit varint.
                value = 0;
                return false;
            }

            result |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                position = pos;
                value = (int)(result >> 1) ^ -(int)(result & 1);
                return true;
            }
        }

        value = 0;
        return false;
    }

    /// <summary>Reads a varlong at <paramref name="position"/>; false when the bytes end first or it is longer than 10 bytes or overflows 64 bits.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, ref int position, out long value)
    {
        ulong result = 0;
        int pos = position;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if ((uint)pos >= (uint)source.Length)
            {
                value = 0;
                return false;
            }

            ulong b = source[pos++];
            if (shift == 63 && b > 0x01)
            {
                value = 0;
                return false;
            }

            result |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                position = pos;
                value = (long)(result >> 1) ^ -(long)(result & 1);
                return true;
            }
        }

        value = 0;
        return false;
    }
}
