namespace OrleansLog.Client.Partitioning;

/// <summary>Kafka's 32-bit murmur2 hash (Utils.murmur2, seed 0x9747b28c), which the Java client's default partitioner applies to keys.</summary>
public static class Murmur2
{
    private const uint Seed = 0x9747b28c;
    private const uint M = 0x5bd1e995;
    private const int R = 24;

    /// <summary>Hashes <paramref name="data"/> exactly as Kafka's <c>Utils.murmur2(byte[])</c> does.</summary>
    public static int Hash(ReadOnlySpan<byte> data)
    {
        int length = data.Length;
        uint h = Seed ^ (uint)length;
        int blocks = length & ~3;
        for (int i = 0; i < blocks; i += 4)
        {
            uint k = data[i] | ((uint)data[i + 1] << 8) | ((uint)data[i + 2] << 16) | ((uint)data[i + 3] << 24);
            k *= M;
            k ^= k >> R;
            k *= M;
            h *= M;
            h ^= k;
        }

        switch (length & 3)
        {
            case 3:
                h ^= (uint)data[blocks + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[blocks + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[blocks];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return (int)h;
    }
}
