using System.Text;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Records;

namespace OrleansLog.KafkaTests;

/// <summary>Request bodies the raw-wire tests send with <see cref="KafkaWire"/>.</summary>
internal static class WireRequests
{
    /// <summary>One v2 record batch of unkeyed records with these values, stamped now.</summary>
    public static byte[] Batch(params string[] values)
    {
        using var builder = new RecordBatchBuilder();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var value in values)
        {
            builder.Append(now, null, Encoding.UTF8.GetBytes(value));
        }

        return builder.Build();
    }

    /// <summary>A Produce request to partitions of one topic, each with its batches, with a timeout_ms of 30 s.</summary>
    public static ProduceRequest Produce(string topic, short acks, params (int Partition, byte[] Batch)[] partitions) =>
        Produce(topic, acks, 30_000, partitions);

    /// <summary>A Produce request to partitions of one topic, each with its batches, waiting at most <paramref name="timeoutMs"/> for acks.</summary>
    public static ProduceRequest Produce(string topic, short acks, int timeoutMs, params (int Partition, byte[] Batch)[] partitions)
    {
        var request = new ProduceRequest { Acks = acks, TimeoutMs = timeoutMs, TransactionalId = null };
        request.TopicData.Add(new ProduceRequest.TopicProduceData
        {
            Name = topic,
            PartitionData = [.. partitions.Select(p => new ProduceRequest.PartitionProduceData { Index = p.Partition, Records = p.Batch })],
        });
        return request;
    }
}
