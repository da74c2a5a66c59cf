using System.Text;
using Confluent.Kafka;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Records;
using ErrorCode = Confluent.Kafka.ErrorCode;

using static OrleansLog.KafkaTests.WireRequests;

namespace OrleansLog.KafkaTests;

/// <summary>
/// Produce, Fetch, ListOffsets and InitProducerId spoken directly, for the answers client libraries hide: exact error codes per
/// partition, versions they no longer send, limits and sessions.
/// </summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class DataApiWireTests(KafkaBrokerFixture broker)
{
    [Fact]
    public async Task ApiVersions_advertises_the_data_and_group_apis_from_version_0_and_leaves_out_the_ones_not_served()
    {
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var response = await wire.SendAsync<ApiVersionsResponse>(KafkaApiKey.ApiVersions, 3, new ApiVersionsRequest { ClientSoftwareName = "tests", ClientSoftwareVersion = "1" });

        var served = response.ApiKeys.ToDictionary(k => (KafkaApiKey)k.ApiKey, k => (k.MinVersion, k.MaxVersion));
        Assert.Equal((0, 9), served[KafkaApiKey.Produce]);
        Assert.Equal((0, 13), served[KafkaApiKey.Fetch]);
        Assert.Equal((0, 7), served[KafkaApiKey.ListOffsets]);
        Assert.Equal((0, 4), served[KafkaApiKey.InitProducerId]);
        Assert.Equal((0, 4), served[KafkaApiKey.FindCoordinator]);
        Assert.Equal((0, 9), served[KafkaApiKey.JoinGroup]);
        Assert.Equal((0, 5), served[KafkaApiKey.SyncGroup]);
        Assert.Equal((0, 4), served[KafkaApiKey.Heartbeat]);
        Assert.Equal((0, 5), served[KafkaApiKey.LeaveGroup]);
        Assert.Equal((0, 9), served[KafkaApiKey.OffsetCommit]);
        Assert.Equal((0, 9), served[KafkaApiKey.OffsetFetch]);
        Assert.Equal((0, 0), served[KafkaApiKey.OffsetDelete]);
        Assert.Equal((0, 5), served[KafkaApiKey.ListGroups]);
        Assert.Equal((0, 5), served[KafkaApiKey.DescribeGroups]);
        Assert.Equal((0, 2), served[KafkaApiKey.DeleteGroups]);
        Assert.Equal((0, 1), served[KafkaApiKey.ConsumerGroupHeartbeat]);
        Assert.Equal((0, 0), served[KafkaApiKey.ConsumerGroupDescribe]);
        Assert.DoesNotContain(KafkaApiKey.OffsetForLeaderEpoch, served.Keys);
        Assert.DoesNotContain(KafkaApiKey.SaslHandshake, served.Keys);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    public async Task Produce_answers_each_partition_on_its_own_and_unknown_partitions_with_UNKNOWN_TOPIC_OR_PARTITION(short version)
    {
        var topic = KafkaClients.NewTopic("wire-produce");
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var response = await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, version, Produce(topic, -1, (0, Batch("a", "b")), (5, Batch("c")), (1, Batch("d"))));

        var partitions = Assert.Single(response.Responses).PartitionResponses;
        Assert.Equal([0, 5, 1], partitions.Select(p => p.Index));
        Assert.Equal([(short)0, (short)ErrorCode.UnknownTopicOrPart, (short)0], partitions.Select(p => p.ErrorCode));
        Assert.Equal([0L, -1L, 0L], partitions.Select(p => p.BaseOffset));
        Assert.Equal([-1L, -1L, -1L], partitions.Select(p => p.LogAppendTimeMs));
        Assert.Equal(0, partitions[0].LogStartOffset);
        var described = await broker.Log.Admin.DescribePartitionsAsync(topic);
        Assert.Equal([2L, 1L], described.Select(p => p.HighWatermark));
    }

    [Fact]
    public async Task Produce_reports_the_append_time_of_a_log_append_time_topic()
    {
        var topic = KafkaClients.NewTopic("wire-appendtime");
        await broker.Log.Admin.CreateTopicAsync(topic, 1, new Dictionary<string, string> { ["message.timestamp.type"] = "LogAppendTime" });
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var response = await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, (0, Batch("a"))));

        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal(0, partition.ErrorCode);
        Assert.InRange(partition.LogAppendTimeMs, before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
    }

    [Fact]
    public async Task Produce_below_version_3_gets_UNSUPPORTED_VERSION_for_every_partition()
    {
        var topic = KafkaClients.NewTopic("wire-old");
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var response = await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 2, Produce(topic, -1, (0, Batch("a")), (1, Batch("b"))));

        Assert.All(Assert.Single(response.Responses).PartitionResponses, p => Assert.Equal((short)ErrorCode.UnsupportedVersion, p.ErrorCode));
        Assert.All(await broker.Log.Admin.DescribePartitionsAsync(topic), p => Assert.Equal(0, p.HighWatermark));
    }

    [Fact]
    public async Task Produce_with_acks_0_appends_and_sends_no_response()
    {
        var topic = KafkaClients.NewTopic("wire-acks0");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        await wire.SendWithoutResponseAsync(KafkaApiKey.Produce, 9, Produce(topic, 0, (0, Batch("a", "b", "c"))));

        // The next response on the connection answers the next request (KafkaWire checks its correlation id).
        var metadata = await wire.SendAsync<MetadataResponse>(KafkaApiKey.Metadata, 12, new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }] });
        Assert.Equal(topic, Assert.Single(metadata.Topics).Name);
        await WaitForAsync(async () => (await broker.Log.Admin.DescribePartitionsAsync(topic))[0].HighWatermark == 3);
    }

    [Fact]
    public async Task Pipelined_requests_on_one_connection_are_appended_in_order_and_answered_in_order()
    {
        var topic = KafkaClients.NewTopic("wire-pipelined");
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        // Twenty acks=all produces with a metadata request and an acks=0 produce among them, all written before any answer is read:
        // each produce is appended once the one before it is, while earlier ones still wait for storage.
        var requests = new List<(KafkaApiKey, short, IKafkaMessage, Func<IKafkaMessage>?)>();
        for (var i = 0; i < 20; i++)
        {
            requests.Add((KafkaApiKey.Produce, 9, Produce(topic, -1, (0, Batch($"r-{i}")), (1, Batch($"s-{i}", $"s-{i}+"))), () => new ProduceResponse()));
            if (i == 10)
            {
                requests.Add((KafkaApiKey.Metadata, 12, new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }] }, () => new MetadataResponse()));
                requests.Add((KafkaApiKey.Produce, 9, Produce(topic, 0, (0, Batch("unacknowledged"))), null));
            }
        }

        var responses = await wire.SendPipelinedAsync([.. requests]);

        var produced = responses.OfType<ProduceResponse>().Select(r => Assert.Single(r.Responses).PartitionResponses).ToList();
        Assert.Equal(20, produced.Count);
        Assert.All(produced.SelectMany(p => p), p => Assert.Equal(0, p.ErrorCode));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i < 11 ? (long)i : i + 1), produced.Select(p => p[0].BaseOffset));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => 2L * i), produced.Select(p => p[1].BaseOffset));
        Assert.Equal(topic, Assert.Single(Assert.IsType<MetadataResponse>(responses[11]).Topics).Name);

        using var consumer = KafkaClients.Consumer(broker.BootstrapServers);
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = consumer.ConsumeAtLeast(21, TimeSpan.FromSeconds(30)).Select(r => Encoding.UTF8.GetString(r.Message.Value!));
        Assert.Equal([.. Enumerable.Range(0, 11).Select(i => $"r-{i}"), "unacknowledged", .. Enumerable.Range(11, 9).Select(i => $"r-{i}")], values);
    }

    [Fact]
    public async Task A_failed_produce_with_acks_0_closes_the_connection_so_the_producer_notices()
    {
        var topic = KafkaClients.NewTopic("wire-acks0-fail");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        // Partition 3 does not exist; with acks=0 there is no response to say so, so the broker hangs up.
        await wire.SendWithoutResponseAsync(KafkaApiKey.Produce, 9, Produce(topic, 0, (3, Batch("lost"))));

        await Assert.ThrowsAnyAsync<IOException>(() => wire.SendAsync<MetadataResponse>(KafkaApiKey.Metadata, 12, new MetadataRequest { Topics = [] }));
        await KafkaGroups.WaitUntilAsync(() => broker.Silo.Output.Contains("acks=0 failed", StringComparison.Ordinal), TimeSpan.FromSeconds(10), () => "the silo logs why it closed the connection");

        // Other connections are untouched.
        var metadata = await KafkaWire.SendOnceAsync<MetadataResponse>(broker.Silo.KafkaPort, KafkaApiKey.Metadata, 12, new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }] });
        Assert.Equal(topic, Assert.Single(metadata.Topics).Name);
    }

    [Fact]
    public async Task Produce_with_an_acks_value_kafka_does_not_know_gets_INVALID_REQUIRED_ACKS()
    {
        var topic = KafkaClients.NewTopic("wire-acks2");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var response = await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, 2, (0, Batch("a"))));

        Assert.Equal((short)ErrorCode.InvalidRequiredAcks, Assert.Single(Assert.Single(response.Responses).PartitionResponses).ErrorCode);
    }

    [Fact]
    public async Task Produce_of_a_corrupt_batch_gets_CORRUPT_MESSAGE_and_appends_nothing()
    {
        var topic = KafkaClients.NewTopic("wire-corrupt");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        var batch = Batch("a", "b");
        batch[^1] ^= 0xFF;
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var response = await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, (0, batch)));

        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((short)ErrorCode.InvalidMsg, partition.ErrorCode);
        Assert.Contains("CRC", partition.ErrorMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, (await broker.Log.Admin.DescribePartitionsAsync(topic))[0].HighWatermark);
    }

    [Fact]
    public async Task A_message_above_the_topics_max_message_bytes_gets_MESSAGE_TOO_LARGE()
    {
        var topic = KafkaClients.NewTopic("too-large");
        await broker.Log.Admin.CreateTopicAsync(topic, 1, new Dictionary<string, string> { ["max.message.bytes"] = "2048" });
        using var producer = KafkaClients.Producer(broker.BootstrapServers);

        var error = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() =>
            producer.ProduceAsync(topic, new Message<byte[]?, byte[]?> { Value = new byte[10_000] }));

        Assert.Equal(ErrorCode.MsgSizeTooLarge, error.Error.Code);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        var response = await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, (0, Batch(new string('x', 10_000)))));
        var partition = Assert.Single(Assert.Single(response.Responses).PartitionResponses);
        Assert.Equal((short)ErrorCode.MsgSizeTooLarge, partition.ErrorCode);
        Assert.Contains("max.message.bytes", partition.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, (await broker.Log.Admin.DescribePartitionsAsync(topic))[0].HighWatermark);
    }

    [Fact]
    public async Task Fetch_answers_unknown_partitions_bad_offsets_and_unknown_topic_ids_with_their_codes()
    {
        var topic = KafkaClients.NewTopic("wire-fetch");
        var description = await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, (0, Batch("a", "b"))));

        var byName = Fetch((topic, Guid.Empty, [(0, 0), (0, 50), (3, 0)]));
        var named = (await wire.SendAsync<FetchResponse>(KafkaApiKey.Fetch, 12, byName)).Responses.Single().Partitions;
        Assert.Equal([(short)0, (short)ErrorCode.OffsetOutOfRange, (short)ErrorCode.UnknownTopicOrPart], named.Select(p => p.ErrorCode));
        Assert.Equal([2L, -1L, -1L], named.Select(p => p.HighWatermark));
        Assert.Equal(2, named[0].LastStableOffset);
        Assert.Equal(0, named[0].LogStartOffset);
        Assert.Equal(-1, named[0].PreferredReadReplica);
        Assert.Empty(named[0].AbortedTransactions!);
        Assert.Equal(2, RecordBatchHeader.Read(named[0].Records!.Value.Span).RecordCount);
        Assert.True(named[1].Records!.Value.IsEmpty);

        var unknownId = Guid.NewGuid();
        var byId = await wire.SendAsync<FetchResponse>(KafkaApiKey.Fetch, 13, Fetch(("", description.TopicId, [(0, 0)]), ("", unknownId, [(0, 0)])));
        Assert.Equal([description.TopicId, unknownId], byId.Responses.Select(t => t.TopicId));
        Assert.Equal(0, byId.Responses[0].Partitions.Single().ErrorCode);
        Assert.Equal(2, byId.Responses[0].Partitions.Single().HighWatermark);
        Assert.Equal((short)ErrorCode.UnknownTopicId, byId.Responses[1].Partitions.Single().ErrorCode);
    }

    [Fact]
    public async Task Fetch_sends_the_first_batch_whole_above_max_bytes_and_nothing_more()
    {
        var topic = KafkaClients.NewTopic("wire-maxbytes");
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        var large = new string('x', 3000);
        await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, (0, Batch(large)), (1, Batch(large))));
        await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, (0, Batch(large)), (1, Batch(large))));

        var request = Fetch((topic, Guid.Empty, [(0, 0), (1, 0)]));
        request.MaxBytes = 100;
        request.Topics[0].Partitions.ForEach(p => p.PartitionMaxBytes = 100);
        var partitions = (await wire.SendAsync<FetchResponse>(KafkaApiKey.Fetch, 12, request)).Responses.Single().Partitions;

        // Partition 0's first batch is the response's first: whole, though 30 times the limits; nothing else fits.
        var first = RecordBatchHeader.Read(partitions[0].Records!.Value.Span);
        Assert.Equal((0L, first.TotalSize), (first.BaseOffset, partitions[0].Records!.Value.Length));
        Assert.True(first.TotalSize > 3000);
        Assert.Equal(0, partitions[1].ErrorCode);
        Assert.Equal(2, partitions[1].HighWatermark);
        Assert.True(partitions[1].Records!.Value.IsEmpty);
    }

    [Fact]
    public async Task Fetch_with_min_bytes_waits_for_data_on_any_of_its_partitions_and_answers_when_it_arrives()
    {
        var topic = KafkaClients.NewTopic("wire-longpoll");
        await broker.Log.Admin.CreateTopicAsync(topic, 2);
        using var fetcher = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        using var producer = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        var request = Fetch((topic, Guid.Empty, [(0, 0), (1, 0)]));
        (request.MaxWaitMs, request.MinBytes) = (20_000, 1);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var fetch = fetcher.SendAsync<FetchResponse>(KafkaApiKey.Fetch, 12, request);
        await Task.Delay(1000);
        Assert.False(fetch.IsCompleted);
        await producer.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, (1, Batch("late"))));
        var partitions = (await fetch).Responses.Single().Partitions;
        clock.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the fetch answered after {clock.Elapsed}");
        Assert.True(partitions[0].Records!.Value.IsEmpty);
        Assert.Equal(1, RecordBatchHeader.Read(partitions[1].Records!.Value.Span).RecordCount);
    }

    [Fact]
    public async Task Fetch_serves_a_new_session_request_in_full_without_a_session_and_refuses_an_incremental_one()
    {
        var topic = KafkaClients.NewTopic("wire-session");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, (0, Batch("a"))));

        var open = Fetch((topic, Guid.Empty, [(0, 0)]));
        (open.SessionId, open.SessionEpoch) = (0, 0);
        var full = await wire.SendAsync<FetchResponse>(KafkaApiKey.Fetch, 12, open);
        Assert.Equal((0, (short)0), (full.SessionId, full.ErrorCode));
        Assert.Equal(1, RecordBatchHeader.Read(full.Responses.Single().Partitions.Single().Records!.Value.Span).RecordCount);

        var incremental = Fetch();
        (incremental.SessionId, incremental.SessionEpoch) = (12345, 1);
        var refused = await wire.SendAsync<FetchResponse>(KafkaApiKey.Fetch, 12, incremental);
        Assert.Equal((short)ErrorCode.FetchSessionIdNotFound, refused.ErrorCode);
    }

    [Fact]
    public async Task InitProducerId_hands_out_a_new_producer_id_with_epoch_0_and_refuses_transactional_ids()
    {
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);

        var first = await wire.SendAsync<InitProducerIdResponse>(KafkaApiKey.InitProducerId, 4, new InitProducerIdRequest { TransactionalId = null });
        var second = await wire.SendAsync<InitProducerIdResponse>(KafkaApiKey.InitProducerId, 0, new InitProducerIdRequest { TransactionalId = null });
        var bump = await wire.SendAsync<InitProducerIdResponse>(KafkaApiKey.InitProducerId, 4, new InitProducerIdRequest { TransactionalId = null, ProducerId = first.ProducerId, ProducerEpoch = 0 });
        var transactional = await wire.SendAsync<InitProducerIdResponse>(KafkaApiKey.InitProducerId, 4, new InitProducerIdRequest { TransactionalId = "tx-1", TransactionTimeoutMs = 60_000 });

        Assert.All([first, second, bump], r => Assert.Equal((0, (short)0), (r.ErrorCode, r.ProducerEpoch)));
        Assert.True(first.ProducerId >= 0);
        Assert.Equal(3, new[] { first.ProducerId, second.ProducerId, bump.ProducerId }.Distinct().Count());
        Assert.Equal((short)ErrorCode.UnsupportedVersion, transactional.ErrorCode);
        Assert.Equal(-1, transactional.ProducerId);
        await WaitForAsync(() => Task.FromResult(broker.Silo.Output.Contains("tx-1", StringComparison.Ordinal)));
        Assert.Contains("transactions are not supported yet", broker.Silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListOffsets_answers_earliest_latest_and_unknown_partitions()
    {
        var topic = KafkaClients.NewTopic("wire-list");
        await broker.Log.Admin.CreateTopicAsync(topic, 1);
        using var wire = await KafkaWire.ConnectAsync(broker.Silo.KafkaPort);
        await wire.SendAsync<ProduceResponse>(KafkaApiKey.Produce, 9, Produce(topic, -1, (0, Batch("a", "b", "c"))));

        var request = new ListOffsetsRequest { ReplicaId = -1 };
        request.Topics.Add(new ListOffsetsRequest.ListOffsetsTopic
        {
            Name = topic,
            Partitions =
            [
                new() { PartitionIndex = 0, Timestamp = -2 },
                new() { PartitionIndex = 0, Timestamp = -1 },
                new() { PartitionIndex = 9, Timestamp = -1 },
            ],
        });
        foreach (short version in new short[] { 1, 7 })
        {
            var partitions = (await wire.SendAsync<ListOffsetsResponse>(KafkaApiKey.ListOffsets, version, request)).Topics.Single().Partitions;
            Assert.Equal([(short)0, (short)0, (short)ErrorCode.UnknownTopicOrPart], partitions.Select(p => p.ErrorCode));
            Assert.Equal([0L, 3L, -1L], partitions.Select(p => p.Offset));
            Assert.All(partitions, p => Assert.Equal(-1, p.Timestamp));
        }

        var old = await wire.SendAsync<ListOffsetsResponse>(KafkaApiKey.ListOffsets, 0, request);
        Assert.All(old.Topics.Single().Partitions, p => Assert.Equal((short)ErrorCode.UnsupportedVersion, p.ErrorCode));
    }

    private static FetchRequest Fetch(params (string Topic, Guid TopicId, (int Partition, long Offset)[] Partitions)[] topics)
    {
        var request = new FetchRequest { ReplicaId = -1, MaxWaitMs = 0, MinBytes = 0, MaxBytes = 1 << 20, SessionEpoch = -1 };
        foreach (var (topic, topicId, partitions) in topics)
        {
            request.Topics.Add(new FetchRequest.FetchTopic
            {
                Topic = topic,
                TopicId = topicId,
                Partitions = [.. partitions.Select(p => new FetchRequest.FetchPartition { Partition = p.Partition, FetchOffset = p.Offset, PartitionMaxBytes = 1 << 20 })],
            });
        }

        return request;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }
}
