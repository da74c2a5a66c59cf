using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Records;
using OrleansLog.Streaming;

namespace OrleansLog.ClusterTests.Streaming;

/// <summary>Orleans persistent streams through the OrleansLog provider on a real cluster and Azurite.</summary>
public sealed class OrleansStreamsTests(StreamClusterFixture fixture) : IClassFixture<StreamClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private LogCluster Log => fixture.Log;

    private IStreamProvider Streams => Log.Cluster.Client.GetStreamProvider(StreamClusterFixture.Provider);

    [Fact]
    public async Task Events_of_each_stream_arrive_in_order_across_many_streams_and_partitions()
    {
        var keys = Enumerable.Range(0, 12).Select(i => $"order-{Guid.NewGuid():N}-{i}").ToArray();
        await Task.WhenAll(keys.Select(async key =>
        {
            var stream = Streams.GetStream<string>(StreamId.Create(StreamProbe.Namespace, key));
            for (var i = 0; i < 40; i++)
            {
                await stream.OnNextAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }));

        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(keys.All(k => StreamProbe.Of(k).Count >= 40)), Timeout, "every stream's 40 events delivered");
        var expected = Enumerable.Range(0, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        foreach (var key in keys)
        {
            Assert.Equal(expected, StreamProbe.Of(key));
        }

        // The streams spread over the topic's partitions, each stream's events in its key's partition.
        var partitions = await Log.Client.Admin.DescribePartitionsAsync(fixture.Topic);
        Assert.Equal(4, partitions.Count);
        Assert.True(partitions.Count(p => p.HighWatermark > 0) >= 2, "events of 12 streams landed in at least 2 of 4 partitions");
    }

    [Fact]
    public async Task A_subscription_rewound_to_offset_zero_receives_every_event_after_the_cache_evicted_them()
    {
        var key = $"replay-{Guid.NewGuid():N}";
        var stream = Streams.GetStream<string>(StreamId.Create("replay", key));
        var padding = new string('x', 1024);
        var sent = Enumerable.Range(0, 300).Select(i => $"{i}:{padding}").ToList();
        foreach (var value in sent)
        {
            await stream.OnNextAsync(value);
        }

        // 300 KiB went through a queue whose cache holds 64 KiB, and nobody subscribed: the cache kept only the newest events.
        var received = new ConcurrentQueue<(string Value, StreamSequenceToken Token)>();
        var handle = await stream.SubscribeAsync((value, token) =>
        {
            received.Enqueue((value, token!));
            return Task.CompletedTask;
        }, new OrleansLogSequenceToken(0));
        try
        {
            await LogTestExtensions.EventuallyAsync(() => Task.FromResult(received.Count >= sent.Count), Timeout, "all 300 events replayed");
            Assert.Equal(sent, received.Select(r => r.Value));
            var offsets = received.Select(r => ((OrleansLogSequenceToken)r.Token).Offset).ToList();
            Assert.Equal(offsets.Order(), offsets);
        }
        finally
        {
            await handle.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task A_subscription_at_a_timestamp_starts_with_the_first_event_written_at_or_after_it()
    {
        var key = $"at-{Guid.NewGuid():N}";
        var stream = Streams.GetStream<string>(StreamId.Create("replay", key));
        await stream.OnNextAsync("before");
        await Task.Delay(50);
        var from = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await stream.OnNextAsync("after-1");
        await stream.OnNextAsync("after-2");

        var received = new ConcurrentQueue<string>();
        var handle = await stream.SubscribeAsync((value, _) =>
        {
            received.Enqueue(value);
            return Task.CompletedTask;
        }, OrleansLogSequenceToken.AtTimestamp(from));
        try
        {
            await LogTestExtensions.EventuallyAsync(() => Task.FromResult(received.Count >= 2), Timeout, "the two later events");
            await stream.OnNextAsync("after-3");
            await LogTestExtensions.EventuallyAsync(() => Task.FromResult(received.Count >= 3), Timeout, "the live event after the replay");
            Assert.Equal(["after-1", "after-2", "after-3"], received);
        }
        finally
        {
            await handle.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task A_batch_observer_receives_consecutive_events_of_its_stream_in_batches_of_up_to_the_configured_size()
    {
        var stream = Log.Cluster.Client.GetStreamProvider(StreamClusterFixture.BatchProvider).GetStream<int>(StreamId.Create("batches", Guid.NewGuid().ToString("N")));
        for (var i = 0; i < 30; i++)
        {
            await stream.OnNextAsync(i);
        }

        var batches = new ConcurrentQueue<int[]>();
        var handle = await stream.SubscribeAsync(new BatchObserver(batches), new OrleansLogSequenceToken(0));
        try
        {
            await LogTestExtensions.EventuallyAsync(() => Task.FromResult(batches.Sum(b => b.Length) >= 30), Timeout, "30 events in batches");
            Assert.Equal(Enumerable.Range(0, 30), batches.SelectMany(b => b));
            Assert.All(batches, b => Assert.InRange(b.Length, 1, 10));
            Assert.Contains(batches, b => b.Length > 1);
        }
        finally
        {
            await handle.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task Records_written_by_the_native_producer_in_the_documented_format_reach_a_subscriber_grain()
    {
        var key = $"native-{Guid.NewGuid():N}";
        await using var producer = Log.Client.CreateProducer<string, string>();
        await producer.ProduceAsync(fixture.Topic, new Message<string, string>
        {
            Key = key,
            Value = "\"from the native producer\"",
            Headers =
            [
                new RecordHeader(StreamRecordHeaders.Namespace, Encoding.UTF8.GetBytes(StreamProbe.Namespace)),
                new RecordHeader(StreamRecordHeaders.Format, "json"u8.ToArray()),
            ],
        });

        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(StreamProbe.Of(key).Count >= 1), Timeout, "the native record delivered");
        Assert.Equal(["from the native producer"], StreamProbe.Of(key));
    }

    [Fact]
    public async Task A_poison_event_goes_to_the_dead_letter_topic_and_later_events_are_still_delivered()
    {
        var key = $"poison-{Guid.NewGuid():N}";
        var stream = Streams.GetStream<string>(StreamId.Create(StreamProbe.Namespace, key));
        await stream.OnNextAsync("first");
        await stream.OnNextAsync("poison-pill");
        await stream.OnNextAsync("after");

        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(StreamProbe.Of(key).Count >= 2), Timeout, "the events around the poison one");
        Assert.Equal(["first", "after"], StreamProbe.Of(key));

        await using var consumer = Log.Client.CreateConsumer<string, byte[]>();
        consumer.Assign(LogTestExtensions.FromBeginning(fixture.Topic + ".dlq", 4));
        var letters = new List<ConsumeResult<string, byte[]>>();
        await LogTestExtensions.EventuallyAsync(async () =>
        {
            letters.AddRange((await consumer.ConsumeAsync(1, TimeSpan.FromSeconds(2))).Where(r => r.Message.Key == key));
            return letters.Count >= 1;
        }, Timeout, "the dead letter");

        var letter = Assert.Single(letters);
        var headers = letter.Message.Headers!.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.Value ?? []));
        Assert.Equal("3", headers[StreamRecordHeaders.DeadLetterAttempts]);
        Assert.StartsWith(fixture.Topic + "/", headers[StreamRecordHeaders.DeadLetterSource]);
        Assert.Contains("failed 3 times", headers[StreamRecordHeaders.DeadLetterReason]);
        Assert.Equal(StreamProbe.Namespace, headers[StreamRecordHeaders.Namespace]);
        var serializer = Log.Cluster.Client.ServiceProvider.GetRequiredService<Orleans.Serialization.Serializer>();
        Assert.Equal("poison-pill", serializer.Deserialize<object>(letter.Message.Value!));
    }

    [Fact]
    public async Task Queue_checkpoints_are_the_providers_consumer_group_offsets_and_reach_the_end_once_events_are_delivered()
    {
        var key = $"checkpoint-{Guid.NewGuid():N}";
        var stream = Streams.GetStream<string>(StreamId.Create(StreamProbe.Namespace, key));
        for (var i = 0; i < 5; i++)
        {
            await stream.OnNextAsync($"c{i}");
        }

        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(StreamProbe.Of(key).Count >= 5), Timeout, "five events delivered");
        var group = "orleans.streams." + StreamClusterFixture.Provider;
        await LogTestExtensions.EventuallyAsync(async () =>
        {
            var lag = await Log.Client.Admin.ListGroupLagAsync(group);
            return lag.Count(l => l.Topic == fixture.Topic) == 4 && lag.Where(l => l.Topic == fixture.Topic).All(l => l.Lag == 0);
        }, Timeout, "every queue's checkpoint at its partition's end");

        var committed = await Log.Client.Admin.FetchCommittedOffsetsAsync(group, fixture.Topic);
        var ends = await Log.Client.Admin.DescribePartitionsAsync(fixture.Topic);
        Assert.Equal(ends.OrderBy(p => p.Partition).Select(p => p.HighWatermark), committed.OrderBy(c => c.Partition).Select(c => c.Offset));
        Assert.Contains(committed, c => c.Offset > 0);

        // What an operator sees: one row per queue, current offset = log end offset, lag 0.
        var described = await new Cli.CliRunner(Log).RunAsync("groups", "describe", group);
        Assert.Equal(0, described.ExitCode);
        var rows = described.Lines.Where(l => l.StartsWith(fixture.Topic + " ", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal((r[3], "0"), (r[2], r[4])));
    }

    [Fact]
    public async Task A_provider_whose_partition_count_differs_from_its_topics_is_refused_with_both_counts_and_writes_nothing()
    {
        // The streams provider has made the 4-partition topic by now.
        await LogTestExtensions.EventuallyAsync(async () => (await Log.Client.Admin.ListTopicsAsync()).Contains(fixture.Topic), Timeout, "the provider's topic");
        var before = (await Log.Client.Admin.DescribePartitionsAsync(fixture.Topic)).Sum(p => p.HighWatermark);
        var stream = Log.Cluster.Client.GetStreamProvider(StreamClusterFixture.MismatchProvider).GetStream<string>(StreamId.Create("ns", "mismatch"));

        var error = await Assert.ThrowsAsync<OrleansConfigurationException>(() => stream.OnNextAsync("lost?"));

        Assert.Contains("maps streams onto 3 partitions", error.Message);
        Assert.Contains("has 4", error.Message);
        Assert.Equal(before, (await Log.Client.Admin.DescribePartitionsAsync(fixture.Topic)).Sum(p => p.HighWatermark));
    }

    [Fact]
    public void A_batch_container_keeps_its_stream_token_and_event_through_Orleans_serialization()
    {
        var serializer = Log.Cluster.Client.ServiceProvider.GetRequiredService<Orleans.Serialization.Serializer>();
        var codec = new StreamRecordCodec(serializer, StreamEventFormat.Orleans);
        var message = codec.Encode(StreamId.Create("ns", "key"), "event");
        var container = new OrleansLogBatchContainer(
            StreamId.Create("ns", "key"), new OrleansLogSequenceToken(42), message.Value, StreamEventFormat.Orleans, "System.String", serializer);

        var copy = serializer.Deserialize<OrleansLogBatchContainer>(serializer.SerializeToArray(container))!;

        Assert.Equal(container.StreamId, copy.StreamId);
        Assert.Equal(new OrleansLogSequenceToken(42), copy.SequenceToken);
        var delivered = Assert.Single(copy.GetEvents<string>());
        Assert.Equal("event", delivered.Item1);
        Assert.Equal(42, delivered.Item2.SequenceNumber);
        var at = OrleansLogSequenceToken.AtTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(1234));
        Assert.Equal(at, serializer.Deserialize<OrleansLogSequenceToken>(serializer.SerializeToArray(at)));
    }

    private sealed class BatchObserver(ConcurrentQueue<int[]> batches) : IAsyncBatchObserver<int>
    {
        public Task OnNextAsync(IList<SequentialItem<int>> items)
        {
            batches.Enqueue(items.Select(item => item.Item).ToArray());
            return Task.CompletedTask;
        }

        public Task OnCompletedAsync() => Task.CompletedTask;

        public Task OnErrorAsync(Exception ex) => Task.CompletedTask;
    }
}
