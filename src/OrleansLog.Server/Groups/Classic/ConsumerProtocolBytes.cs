using System.Buffers.Binary;
using System.Text;

namespace OrleansLog.Groups;

/// <summary>
/// Reads the parts of Kafka's consumer protocol bytes (ConsumerProtocolSubscription and ConsumerProtocolAssignment, every version
/// starts the same way) that describe needs: the subscribed topics and the assigned partitions of a classic member whose protocol type
/// is <c>consumer</c>. The bytes stay the client's; malformed ones read as nothing.
/// </summary>
internal static class ConsumerProtocolBytes
{
    /// <summary>The topics of a subscription (version, then an array of topic names).</summary>
    public static string[] Topics(ReadOnlySpan<byte> subscription)
    {
        var reader = new Reader(subscription);
        if (!reader.TrySkip(2) || !reader.TryInt32(out var count) || count < 0)
        {
            return [];
        }

        var topics = new List<string>(Math.Min(count, 1024));
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryString(out var topic))
            {
                return [];
            }

            topics.Add(topic);
        }

        return [.. topics];
    }

    /// <summary>The partitions of an assignment (version, then an array of topic name and partition array).</summary>
    public static TopicPartition[] Partitions(ReadOnlySpan<byte> assignment)
    {
        var reader = new Reader(assignment);
        if (!reader.TrySkip(2) || !reader.TryInt32(out var topics) || topics < 0)
        {
            return [];
        }

        var partitions = new List<TopicPartition>();
        for (var i = 0; i < topics; i++)
        {
            if (!reader.TryString(out var topic) || !reader.TryInt32(out var count) || count < 0)
            {
                return [];
            }

            for (var p = 0; p < count; p++)
            {
                if (!reader.TryInt32(out var partition))
                {
                    return [];
                }

                partitions.Add(new TopicPartition(topic, partition));
            }
        }

        partitions.Sort();
        return [.. partitions];
    }

    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _rest = bytes;

        public bool TrySkip(int count)
        {
            if (_rest.Length < count)
            {
                return false;
            }

            _rest = _rest[count..];
            return true;
        }

        public bool TryInt32(out int value)
        {
            value = 0;
            if (_rest.Length < 4)
            {
                return false;
            }

            value = BinaryPrimitives.ReadInt32BigEndian(_rest);
            _rest = _rest[4..];
            return true;
        }

        public bool TryString(out string value)
        {
            value = "";
            if (_rest.Length < 2)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadInt16BigEndian(_rest);
            if (length < 0 || _rest.Length < 2 + length)
            {
                return false;
            }

            value = Encoding.UTF8.GetString(_rest.Slice(2, length));
            _rest = _rest[(2 + length)..];
            return true;
        }
    }
}
