using OrleansLog.Client;
using OrleansLog.Partitions;
using OrleansLog.Topics;

namespace OrleansLog.ClusterTests.Infrastructure;

/// <summary>Helpers the cluster tests share.</summary>
public static class LogTestExtensions
{
    /// <summary>Consumes until <paramref name="count"/> records arrived or <paramref name="timeout"/> passed; returns what arrived.</summary>
    public static async Task<List<ConsumeResult<TKey, TValue>>> ConsumeAsync<TKey, TValue>(this Consumer<TKey, TValue> consumer, int count, TimeSpan timeout)
    {
        var results = new List<ConsumeResult<TKey, TValue>>(count);
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            var result = await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(200));
            if (result is not null)
            {
                results.Add(result);
            }
        }

        return results;
    }

    /// <summary>Every partition of <paramref name="topic"/> from the beginning.</summary>
    public static IEnumerable<TopicPartitionOffset> FromBeginning(string topic, int partitions) =>
        Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning));

    /// <summary>The partition grain of one partition of a topic.</summary>
    public static async Task<IPartitionGrain> PartitionAsync(this LogCluster log, string topic, int partition)
    {
        var description = await log.Client.Admin.DescribeTopicAsync(topic);
        return log.Cluster.Client.GetGrain<IPartitionGrain>(new PartitionGrainKey(topic, description.TopicId, partition).ToString());
    }

    /// <summary>Waits until <paramref name="condition"/> holds, polling; fails the test with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0} s waiting for: {what}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Fetches every batch of a partition from its log start to its high watermark, as raw bytes.</summary>
    public static async Task<byte[]> ReadAllBatchesAsync(IPartitionGrain partition)
    {
        var bytes = new MemoryStream();
        var start = await partition.ListOffsetAsync(OffsetSpec.Earliest);
        var offset = start.Offset;
        while (true)
        {
            var result = await partition.FetchAsync(offset, 64 * 1024, TimeSpan.Zero);
            if (result.Records.Length == 0)
            {
                return bytes.ToArray();
            }

            foreach (var batch in new Records.RecordBatchSequence(result.Records))
            {
                var header = Records.RecordBatchHeader.Read(batch.Span);
                if (header.LastOffset < offset)
                {
                    continue;
                }

                bytes.Write(batch.Span);
                offset = header.LastOffset + 1;
            }
        }
    }

    /// <summary>Creates a topic and returns its description.</summary>
    public static Task<TopicDescription> CreateTopicAsync(this LogCluster log, string topic, int partitions, params (string Key, string Value)[] configs) =>
        log.Client.Admin.CreateTopicAsync(topic, partitions, configs.ToDictionary(c => c.Key, c => c.Value));
}
