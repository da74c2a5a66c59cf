using System.Text;
using OrleansLog.Client;
using OrleansLog.Client.Partitioning;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.ClusterTests.Log;

[Collection(LogClusterCollection.Name)]
public sealed class ProduceConsumeTests(LogClusterFixture fixture)
{
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task Records_round_trip_with_keys_headers_and_timestamps_on_several_partitions()
    {
        var topic = LogCluster.NewTopic("roundtrip");
        await _log.CreateTopicAsync(topic, 4);
        var sent = new List<(Task<DeliveryResult> Delivery, string Key, string Value, long Timestamp)>();
        await using (var producer = _log.Client.CreateProducer<string, string>())
        {
            for (var i = 0; i < 400; i++)
            {
                var key = $"key-{i % 23}";
                var value = $"value-{i}";
                var timestamp = 1_700_000_000_000L + i;
                var message = new Message<string, string>
                {
                    Key = key,
                    Value = value,
                    Timestamp = timestamp,
                    Headers = [new RecordHeader("index", BitConverter.GetBytes(i)), new RecordHeader("empty", null)],
                };
                sent.Add((producer.ProduceAsync(topic, message), key, value, timestamp));
            }

            await Task.WhenAll(sent.Select(s => s.Delivery));
        }

        foreach (var (delivery, key, _, timestamp) in sent)
        {
            var result = await delivery;
            Assert.Equal(KafkaPartitioner.Murmur2Partition(Encoding.UTF8.GetBytes(key), 4), result.Partition);
            Assert.Equal(timestamp, result.Timestamp);
        }

        // Per partition, offsets run 0..n-1 in the order the records were produced.
        foreach (var group in sent.GroupBy(s => s.Delivery.Result.Partition))
        {
            Assert.Equal(Enumerable.Range(0, group.Count()).Select(i => (long)i), group.Select(s => s.Delivery.Result.Offset));
        }

        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 4));
        var consumed = await consumer.ConsumeAsync(sent.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(sent.Count, consumed.Count);

        var byPosition = sent.ToDictionary(s => (s.Delivery.Result.Partition, s.Delivery.Result.Offset));
        foreach (var record in consumed)
        {
            var expected = byPosition[(record.Partition, record.Offset)];
            Assert.Equal(expected.Key, record.Message.Key);
            Assert.Equal(expected.Value, record.Message.Value);
            Assert.Equal(expected.Timestamp, record.Message.Timestamp);
            Assert.Equal(TimestampType.CreateTime, record.TimestampType);
            var headers = record.Message.Headers!;
            Assert.Equal(2, headers.Count);
            Assert.Equal("index", headers[0].Key);
            Assert.Equal(int.Parse(expected.Value["value-".Length..]), BitConverter.ToInt32(headers[0].Value));
            Assert.Equal("empty", headers[1].Key);
            Assert.Null(headers[1].Value);
        }

        foreach (var partition in consumed.GroupBy(r => r.Partition))
        {
            Assert.Equal(Enumerable.Range(0, partition.Count()).Select(i => (long)i), partition.Select(r => r.Offset));
        }
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Compressed_batches_round_trip_through_the_cluster(CompressionType compression)
    {
        var topic = LogCluster.NewTopic("codec");
        await _log.CreateTopicAsync(topic, 1);
        var values = Enumerable.Range(0, 300).Select(i => $"{compression} record {i} " + new string('x', i % 50)).ToList();
        await using (var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { Compression = compression, Linger = TimeSpan.FromMilliseconds(20) }))
        {
            await Task.WhenAll(values.Select(v => producer.ProduceAsync(topic, new Message<string, string> { Value = v })));
        }

        var partition = await _log.PartitionAsync(topic, 0);
        var raw = await LogTestExtensions.ReadAllBatchesAsync(partition);
        foreach (var batch in new RecordBatchSequence(raw))
        {
            Assert.Equal(compression, RecordBatchHeader.Read(batch.Span).Compression);
        }

        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(values.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(values, consumed.Select(r => r.Message.Value));
        Assert.All(consumed, r => Assert.Null(r.Message.Key));
    }

    [Fact]
    public async Task Null_keys_stick_to_one_partition_per_batch_and_still_spread()
    {
        var topic = LogCluster.NewTopic("sticky");
        await _log.CreateTopicAsync(topic, 3);
        await using var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { BatchSize = 1024, Linger = TimeSpan.FromMilliseconds(50) });
        var results = await Task.WhenAll(Enumerable.Range(0, 600).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"v{i:D5}" + new string('y', 30) })));
        Assert.Equal(600, results.Select(r => (r.Partition, r.Offset)).Distinct().Count());
        Assert.True(results.Select(r => r.Partition).Distinct().Count() > 1, "null-key records should move on to other partitions as batches fill");
    }

    [Fact]
    public async Task Acks_leader_and_none_records_become_readable()
    {
        var topic = LogCluster.NewTopic("acks");
        await _log.CreateTopicAsync(topic, 1);
        await using (var leader = _log.Client.CreateProducer<string, string>(new ProducerOptions { Acks = Acks.Leader }))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => leader.ProduceAsync(topic, new Message<string, string> { Value = $"leader-{i}" })));
            Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), results.Select(r => r.Offset).Order());
        }

        await using (var none = _log.Client.CreateProducer<string, string>(new ProducerOptions { Acks = Acks.None }))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => none.ProduceAsync(topic, new Message<string, string> { Value = $"none-{i}" })));
            Assert.All(results, r => Assert.Equal(-1, r.Offset));
        }

        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var consumed = await consumer.ConsumeAsync(100, TimeSpan.FromSeconds(30));
        Assert.Equal(100, consumed.Count);
        Assert.Equal(50, consumed.Count(r => r.Message.Value!.StartsWith("none-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Log_append_time_topics_stamp_the_partition_clock()
    {
        var topic = LogCluster.NewTopic("appendtime");
        await _log.CreateTopicAsync(topic, 1, ("message.timestamp.type", "LogAppendTime"));
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var producer = _log.Client.CreateProducer<string, string>();
        var result = await producer.ProduceAsync(topic, new Message<string, string> { Value = "v", Timestamp = 42 });
        Assert.InRange(result.Timestamp, before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);

        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign(LogTestExtensions.FromBeginning(topic, 1));
        var record = Assert.Single(await consumer.ConsumeAsync(1, TimeSpan.FromSeconds(20)));
        Assert.Equal(TimestampType.LogAppendTime, record.TimestampType);
        Assert.Equal(result.Timestamp, record.Message.Timestamp);
    }

    [Fact]
    public async Task Seek_rewinds_and_an_offset_inside_a_batch_skips_the_earlier_records()
    {
        var topic = LogCluster.NewTopic("seek");
        await _log.CreateTopicAsync(topic, 1);
        await using (var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.FromMilliseconds(100) }))
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"{i}" })));
        }

        // The records went out as few batches, so offset 37 is inside one: the fetch returns that whole batch.
        var partition = await _log.PartitionAsync(topic, 0);
        var fetch = await partition.FetchAsync(37, 1024 * 1024, TimeSpan.Zero);
        var first = RecordBatchHeader.Read(fetch.Records);
        Assert.True(first.BaseOffset <= 37 && first.LastOffset >= 37);

        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign([new TopicPartitionOffset(topic, 0, 37)]);
        var fromMiddle = await consumer.ConsumeAsync(63, TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(37, 63).Select(i => $"{i}"), fromMiddle.Select(r => r.Message.Value));

        consumer.Seek(new TopicPartitionOffset(topic, 0, 5));
        var rewound = await consumer.ConsumeAsync(10, TimeSpan.FromSeconds(20));
        Assert.Equal(Enumerable.Range(5, 10).Select(i => $"{i}"), rewound.Select(r => r.Message.Value));
        Assert.Equal(15, consumer.Position(new TopicPartition(topic, 0)));
    }

    [Fact]
    public async Task Read_all_async_streams_records_as_they_are_produced()
    {
        var topic = LogCluster.NewTopic("stream");
        await _log.CreateTopicAsync(topic, 2);
        await using var consumer = _log.Client.CreateConsumer<string, int>(new ConsumerOptions { AutoOffsetReset = AutoOffsetReset.Earliest });
        consumer.Assign([new TopicPartition(topic, 0), new TopicPartition(topic, 1)]);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var reading = Task.Run(async () =>
        {
            var sum = 0;
            var count = 0;
            await foreach (var record in consumer.ReadAllAsync(cancel.Token))
            {
                sum += record.Message.Value;
                if (++count == 100)
                {
                    break;
                }
            }

            return sum;
        });

        await using var producer = _log.Client.CreateProducer<string, int>();
        await Task.WhenAll(Enumerable.Range(1, 100).Select(i => producer.ProduceAsync(topic, new Message<string, int> { Key = $"k{i}", Value = i })));
        Assert.Equal(5050, await reading);
    }

    [Fact]
    public async Task Consuming_with_an_infinite_timeout_waits_for_the_next_record()
    {
        var topic = LogCluster.NewTopic("infinite");
        await _log.CreateTopicAsync(topic, 1);
        await using var consumer = _log.Client.CreateConsumer<string, string>();
        consumer.Assign([new TopicPartitionOffset(topic, 0, 0)]);
        var waiting = consumer.ConsumeAsync(Timeout.InfiniteTimeSpan).AsTask();
        await Task.Delay(1500);
        Assert.False(waiting.IsCompleted);

        await using (var producer = _log.Client.CreateProducer<string, string>())
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Value = "late" });
        }

        var record = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("late", 0L), (record?.Message.Value, record?.Offset ?? -1));
    }

    [Fact]
    public async Task Cancelling_a_long_poll_fetch_ends_it_and_the_partition_keeps_serving()
    {
        var topic = LogCluster.NewTopic("fetch-cancel");
        await _log.CreateTopicAsync(topic, 1);
        var partition = await _log.PartitionAsync(topic, 0);

        // Nothing is produced, so this fetch would wait its full 30 s; the caller gives up after 300 ms.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => partition.FetchAsync(0, 1024, TimeSpan.FromSeconds(30), giveUp.Token));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));

        var waiting = partition.FetchAsync(0, 1024, TimeSpan.FromSeconds(30));
        await using (var producer = _log.Client.CreateProducer<string, string>())
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Value = "after" });
        }

        var fetched = await waiting;
        Assert.Equal(1, fetched.HighWatermark);
        var values = new List<string>();
        foreach (var record in RecordBatchReader.ReadRecords(fetched.Records))
        {
            values.Add(Encoding.UTF8.GetString(record.Value.Span));
        }

        Assert.Equal(["after"], values);
    }
}
