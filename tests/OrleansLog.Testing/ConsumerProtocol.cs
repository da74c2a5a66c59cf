using System.Buffers.Binary;
using System.Text;

namespace OrleansLog.Testing;

/// <summary>
/// Builds the bytes of Kafka's consumer protocol (ConsumerProtocolSubscription and ConsumerProtocolAssignment v0) as a Kafka client's
/// assignor sends them, for tests that speak the classic group protocol without a client.
/// </summary>
public static class ConsumerProtocol
{
    /// <summary>A subscription to <paramref name="topics"/>, with no user data.</summary>
    public static byte[] Subscription(params string[] topics)
    {
        var bytes = new List<byte> { 0, 0 };
        bytes.AddRange(Int32(topics.Length));
        foreach (var topic in topics)
        {
            bytes.AddRange(String(topic));
        }

        bytes.AddRange(Int32(-1));
        return [.. bytes];
    }

    /// <summary>An assignment of the given partitions of each topic, with no user data.</summary>
    public static byte[] Assignment(params (string Topic, int[] Partitions)[] topics)
    {
        var bytes = new List<byte> { 0, 0 };
        bytes.AddRange(Int32(topics.Length));
        foreach (var (topic, partitions) in topics)
        {
            bytes.AddRange(String(topic));
            bytes.AddRange(Int32(partitions.Length));
            foreach (var partition in partitions)
            {
                bytes.AddRange(Int32(partition));
            }
        }

        bytes.AddRange(Int32(-1));
        return [.. bytes];
    }

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] String(string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        var bytes = new byte[2 + utf8.Length];
        BinaryPrimitives.WriteInt16BigEndian(bytes, (short)utf8.Length);
        utf8.CopyTo(bytes, 2);
        return bytes;
    }
}
