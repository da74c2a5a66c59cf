using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using OrleansLog.Kafka.Protocol;
using Xunit.Abstractions;

using static OrleansLog.KafkaTests.WireRequests;

namespace OrleansLog.KafkaTests;

/// <summary>A silo process whose blob storage stops answering: an acks=all Produce is answered within its timeout_ms.</summary>
public sealed class ProduceTimeoutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_acks_all_produce_that_cannot_reach_storage_is_answered_REQUEST_TIMED_OUT_at_its_timeout_and_its_records_land_once_storage_answers()
    {
        var azurite = await TestAzurite.GetAsync();
        await using var proxy = new BlackHoleProxy(azurite.BlobPort);
        await using var silo = SiloProcess.Start(new Dictionary<string, string>
        {
            ["OrleansLog__Storage__ConnectionString"] = proxy.BlobConnectionString,
            ["OrleansLog__Storage__ContainerName"] = TestAzurite.NewContainerName("timeout"),
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await silo.WaitHealthyAsync(TimeSpan.FromSeconds(120));
        var topic = KafkaClients.NewTopic("timeout");
        using var wire = await KafkaWire.ConnectAsync(silo.KafkaPort);
        var before = await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, 30_000, (0, Batch("before")))); // creates the topic
        Assert.Equal((0, 0L), (before.Responses[0].PartitionResponses[0].ErrorCode, before.Responses[0].PartitionResponses[0].BaseOffset));

        proxy.Hang();
        var clock = Stopwatch.StartNew();
        var late = Assert.Single(Assert.Single((await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, 1_000, (0, Batch("while-hung"))))).Responses).PartitionResponses);
        output.WriteLine($"answered after {clock.Elapsed.TotalMilliseconds:0} ms: {late.ErrorMessage}");

        Assert.Equal((short)KafkaErrorCode.RequestTimedOut, late.ErrorCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(8));
        Assert.Contains("timeout_ms (1000 ms)", late.ErrorMessage);

        // The records stayed appended: once storage answers, they are written, and the next produce follows them.
        proxy.Resume();
        var after = await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, 60_000, (0, Batch("after"))));
        Assert.Equal((0, 2L), (after.Responses[0].PartitionResponses[0].ErrorCode, after.Responses[0].PartitionResponses[0].BaseOffset));
        using var consumer = KafkaClients.Consumer($"127.0.0.1:{silo.KafkaPort}");
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        Assert.Equal(["before", "while-hung", "after"], consumer.ConsumeAtLeast(3, TimeSpan.FromSeconds(30)).Select(r => Encoding.UTF8.GetString(r.Message.Value!)));
    }
}
