using System.Globalization;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansLog.ClusterTests.Infrastructure;

namespace OrleansLog.ClusterTests.Streaming;

/// <summary>Queues of a killed silo move to the survivors and resume from their checkpoints.</summary>
public sealed class StreamFailoverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Killing_a_silo_that_hosts_queues_resumes_them_from_their_checkpoints_without_losing_an_event()
    {
        var topic = LogCluster.NewTopic("streams-failover");
        await using var log = await StreamClusterFixture.StartAsync(
            o =>
            {
                o.Topic = topic;
                o.Partitions = 4;
                o.CheckpointInterval = TimeSpan.FromMilliseconds(300);
            },
            fastFailover: true);
        var streams = log.Cluster.Client.GetStreamProvider(StreamClusterFixture.Provider);
        var keys = Enumerable.Range(0, 8).Select(i => $"failover-{Guid.NewGuid():N}-{i}").ToArray();

        async Task SendAsync(string batch)
        {
            await Task.WhenAll(keys.Select(async key =>
            {
                var stream = streams.GetStream<string>(StreamId.Create(StreamProbe.Namespace, key));
                for (var i = 0; i < 10; i++)
                {
                    await stream.OnNextAsync(string.Create(CultureInfo.InvariantCulture, $"{batch}{i}"));
                }
            }));
        }

        await SendAsync("a");
        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(keys.All(k => StreamProbe.Of(k).Count >= 10)), Timeout, "the first events delivered");
        var group = "orleans.streams." + StreamClusterFixture.Provider;
        await LogTestExtensions.EventuallyAsync(
            async () => (await log.Client.Admin.ListGroupLagAsync(group)).Where(l => l.Topic == topic).Sum(l => l.CommittedOffset) == 80,
            Timeout,
            "checkpoints past the first events");

        // Events still on their way when the silo dies, and events written after: all arrive, at least once, in order per stream.
        var sending = SendAsync("b");
        await log.Cluster.KillSiloAsync(log.Cluster.Silos[1]);
        await sending;
        await SendAsync("c");

        var expected = new[] { "a", "b", "c" }.SelectMany(b => Enumerable.Range(0, 10).Select(i => string.Create(CultureInfo.InvariantCulture, $"{b}{i}"))).ToList();
        try
        {
            await LogTestExtensions.EventuallyAsync(
                () => Task.FromResult(keys.All(k => expected.All(StreamProbe.Of(k).Contains))), Timeout, "every event of every stream after the failover");
        }
        catch (Xunit.Sdk.FailException)
        {
            var missing = keys.Select(k => $"{k}: missing {string.Join(",", expected.Except(StreamProbe.Of(k)))}");
            Assert.Fail(string.Join("\n", missing) + "\n" + string.Join("\n", log.Logs.Lines.TakeLast(30)));
        }
        foreach (var key in keys)
        {
            // Redelivery after a failover repeats events from the checkpoint, never reorders what follows it.
            var received = StreamProbe.Of(key);
            Assert.Equal(expected, received.Distinct());
        }
    }
}
