using System.Buffers.Binary;
using System.Numerics;

namespace OrleansLog.Records;

/// <summary>CRC-32C (Castagnoli), the checksum of Kafka's record batch v2, computed with the CPU's CRC32 instruction where present.</summary>
public static class Crc32C
{
    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a finished CRC-32C <paramref name="crc"/> (0 for none) over <paramref name="data"/>, as if both inputs had been one.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        int i = 0;
        int chunked = data.Length & ~7;
        for (; i < chunked; i += 8)
        {
            // The instruction consumes bytes in little-endian order, whatever the host's order.
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i, 8)));
        }

        for (; i < data.Length; i++)
        {
            state = BitOperations.Crc32C(state, data[i]);
        }

        return ~state;
    }
}
