using System.Diagnostics;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Partitions;
using OrleansLog.Records;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Durability;

/// <summary>Blob storage that accepts connections but stops answering under a running silo: calls fail with a typed error in bounded time, and the silo serves again once storage answers.</summary>
public sealed class HangingStorageTests(ITestOutputHelper output)
{
    // RequestTimeout 1 s with 1 retry; the flusher gives up after 3 s. Each typed error must arrive well inside a grain call's 30 s.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Describe_and_acks_all_appends_fail_with_storage_exceptions_while_storage_hangs_and_work_again_when_it_answers()
    {
        var azurite = await TestAzurite.GetAsync();
        await using var proxy = new BlackHoleProxy(azurite.BlobPort);
        await using var log = await LogCluster.StartAsync(
            silos: 1,
            configurePartitions: o =>
            {
                o.StorageRequestTimeout = TimeSpan.FromSeconds(1);
                o.StorageRetryTimeout = TimeSpan.FromSeconds(3);
            },
            configureStorage: o =>
            {
                o.ConnectionString = proxy.BlobConnectionString;
                o.RequestTimeout = TimeSpan.FromSeconds(1);
                o.MaxRetries = 1;
            });
        var topic = LogCluster.NewTopic("hang");
        await log.CreateTopicAsync(topic, 4);
        await using (var producer = log.Client.CreateProducer<string, string>())
        {
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Value = "before" });
        }

        var partition = await log.PartitionAsync(topic, 0);
        proxy.Hang();

        var clock = Stopwatch.StartNew();
        var describeError = await Assert.ThrowsAsync<StorageException>(() => log.Client.Admin.DescribePartitionsAsync(topic));
        output.WriteLine($"describe failed after {clock.Elapsed.TotalSeconds:0.0} s: {describeError.Message}");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Bound);
        Assert.Contains("grain state 'manifest'", describeError.Message);
        Assert.Contains("timed out", describeError.Message);

        clock.Restart();
        var appendError = await Assert.ThrowsAsync<StorageException>(() => partition.AppendAsync(OneBatch("while-hung"), Acks.All));
        output.WriteLine($"append failed after {clock.Elapsed.TotalSeconds:0.0} s: {appendError.Message}");
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Bound);
        Assert.Contains($"{topic}-0", appendError.Message);

        proxy.Resume();
        clock.Restart();
        await using (var producer = log.Client.CreateProducer<string, string>(new ProducerOptions { DeliveryTimeout = TimeSpan.FromSeconds(60) }))
        {
            var delivered = await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Value = "after" });
            output.WriteLine($"produce after storage answered again took {clock.Elapsed.TotalSeconds:0.0} s, offset {delivered.Offset}");
            Assert.InRange(delivered.Offset, 1, 2);
        }

        var described = await log.Client.Admin.DescribePartitionsAsync(topic);
        Assert.Equal(4, described.Count);
        Assert.Equal(described[0].HighWatermark, (await log.Client.Admin.ListOffsetsAsync(topic, OffsetSpec.Latest, [0]))[0].Offset);
        Assert.InRange(described[0].HighWatermark, 2, 3);
    }

    private static byte[] OneBatch(string value)
    {
        using var builder = new RecordBatchBuilder();
        builder.Append(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), null, System.Text.Encoding.UTF8.GetBytes(value));
        return builder.Build();
    }
}
