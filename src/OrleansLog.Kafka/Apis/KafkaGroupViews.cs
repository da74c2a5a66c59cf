using System.Buffers;
using OrleansLog.Groups;
using OrleansLog.Kafka.Protocol;

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

    // Version 0 of ConsumerProtocolSubscription and ConsumerProtocolAssignment: topics and partitions, no user data.
    private const short ConsumerProtocolVersion = 0;

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

        var bytes = new ArrayBufferWriter<byte>(64);
        var writer = new KafkaWriter(bytes);
        writer.WriteInt16(ConsumerProtocolVersion);
        writer.WriteArrayLength(member.Topics.Length, compact: false);
        foreach (var topic in member.Topics)
        {
            writer.WriteString(topic, compact: false);
        }

        writer.WriteNullableBytes(null, compact: false);
        return bytes.WrittenSpan.ToArray();
    }

    /// <summary>The member's assignment as a ConsumerProtocolAssignment v0: a classic member's own bytes, else built from its partitions.</summary>
    public static byte[] Assignment(GroupMemberDescription member)
    {
        if (member.AssignmentBytes is { } assignment)
        {
            return assignment;
        }

        var bytes = new ArrayBufferWriter<byte>(64);
        var writer = new KafkaWriter(bytes);
        writer.WriteInt16(ConsumerProtocolVersion);
        var topics = member.Assignment.GroupBy(p => p.Topic).ToList();
        writer.WriteArrayLength(topics.Count, compact: false);
        foreach (var topic in topics)
        {
            writer.WriteString(topic.Key, compact: false);
            writer.WriteArrayLength(topic.Count(), compact: false);
            foreach (var partition in topic.Order())
            {
                writer.WriteInt32(partition.Partition);
            }
        }

        writer.WriteNullableBytes(null, compact: false);
        return bytes.WrittenSpan.ToArray();
    }
}
