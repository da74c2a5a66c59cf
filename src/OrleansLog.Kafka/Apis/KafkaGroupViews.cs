using System.Buffers.Binary;
using System.Text;
using OrleansLog.Groups;

namespace OrleansLog.Kafka.Apis;

/// <summary>How the group APIs show an OrleansLog group to Kafka clients: Kafka's state names and group types, and consumer protocol bytes
/// for members of consumer-protocol groups, whose subscription and assignment the server holds rather than the client.</summary>
internal static class KafkaGroupViews
{
    /// <summary>Kafka's name for <paramref name="state"/> (ListGroups v4+, DescribeGroups).</summary>
    public static string StateName(GroupState state) => state switch
    {
        GroupState.Empty => "Empty",
        GroupState.Stable => "Stable",
        GroupState.Reconciling => "Reconciling",
        GroupState.PreparingRebalance => "PreparingRebalance",
        GroupState.CompletingRebalance => "CompletingRebalance",
        _ => "Dead",
    };

    // OrleansLog's default server-side assignor, and the name Kafka gives its equivalent (KIP-848's "uniform").
    private const string NativeUniform = "cooperative-sticky";
    private const string KafkaUniform = "uniform";

    /// <summary>The native assignor for a KIP-848 server assignor name (null asks for the default); null when none matches.</summary>
    public static string? NativeAssignor(string? serverAssignor) => serverAssignor switch
    {
        null or KafkaUniform => NativeUniform,
        "range" => "range",
        _ => null,
    };

    /// <summary>The KIP-848 name of a native assignor.</summary>
    public static string ServerAssignorName(string nativeAssignor) => nativeAssignor == NativeUniform ? KafkaUniform : nativeAssignor;

    /// <summary>Kafka's group type (ListGroups v5+): <c>classic</c> or <c>consumer</c>.</summary>
    public static string TypeName(GroupProtocol protocol) => protocol == GroupProtocol.Classic ? "classic" : "consumer";

    /// <summary>The member's subscription as a ConsumerProtocolSubscription v0: a classic member's own bytes, else built from its topics.</summary>
    public static byte[] Subscription(GroupMemberDescription member)
    {
        if (member.ProtocolMetadata is { } metadata)
        {
            return metadata;
        }

        var bytes = new List<byte>(64);
        Int16(bytes, 0);
        Int32(bytes, member.Topics.Length);
        foreach (var topic in member.Topics)
        {
            String(bytes, topic);
        }

        Int32(bytes, -1);
        return [.. bytes];
    }

    /// <summary>The member's assignment as a ConsumerProtocolAssignment v0: a classic member's own bytes, else built from its partitions.</summary>
    public static byte[] Assignment(GroupMemberDescription member)
    {
        if (member.AssignmentBytes is { } assignment)
        {
            return assignment;
        }

        var bytes = new List<byte>(64);
        Int16(bytes, 0);
        var topics = member.Assignment.GroupBy(p => p.Topic).ToList();
        Int32(bytes, topics.Count);
        foreach (var topic in topics)
        {
            String(bytes, topic.Key);
            Int32(bytes, topic.Count());
            foreach (var partition in topic.Order())
            {
                Int32(bytes, partition.Partition);
            }
        }

        Int32(bytes, -1);
        return [.. bytes];
    }

    private static void Int16(List<byte> bytes, short value)
    {
        Span<byte> span = stackalloc byte[2];
        BinaryPrimitives.WriteInt16BigEndian(span, value);
        bytes.AddRange(span);
    }

    private static void Int32(List<byte> bytes, int value)
    {
        Span<byte> span = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(span, value);
        bytes.AddRange(span);
    }

    private static void String(List<byte> bytes, string value)
    {
        var utf8 = Encoding.UTF8.GetBytes(value);
        Int16(bytes, (short)utf8.Length);
        bytes.AddRange(utf8);
    }
}
