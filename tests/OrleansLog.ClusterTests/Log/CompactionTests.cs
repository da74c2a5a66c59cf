using Microsoft.Extensions.DependencyInjection;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Cli;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Groups;
using OrleansLog.Partitions;
using OrleansLog.Segments;

namespace OrleansLog.ClusterTests.Log;

/// <summary>Topics with <c>cleanup.policy=compact</c> on a real cluster: what consumers, groups and the CLI see, and crashes mid-compaction.</summary>
[Collection(LogClusterCollection.Name)]
public sealed class CompactionTests(LogClusterFixture fixture)
{
    // Small segments that roll within a second and compact as soon as anything is sealed.
    private static readonly (string, string)[] Compacting =
    [
        ("cleanup.policy", "compact"), ("segment.bytes", "1024"), ("segment.ms", "500"), ("min.cleanable.dirty.ratio", "0.01"),
    ];

    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task A_compacted_topic_keeps_the_newest_value_per_key_at_its_offset_for_consumers_groups_and_the_cli()
    {
        var topic = LogCluster.NewTopic("compact");
        await _log.CreateTopicAsync(topic, 1, Compacting);
        var newest = await ProduceRoundsAsync(_log, topic, partitions: 1, keys: 20, rounds: 10);

        await WaitUntilCompactedAsync(_log, topic, 200);
        Assert.Equal(newest[0], await ReadAllAsync(_log, topic, 0, expected: 20));

        // A group committed inside a compacted range resumes at the next record that survived.
        var groupId = "compact-group-" + Guid.NewGuid().ToString("N");
        await _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToOffset(topic, 5));
        await using (var member = _log.Client.CreateConsumer<string, string>(new ConsumerOptions { GroupId = groupId, AutoOffsetReset = AutoOffsetReset.Earliest }))
        {
            member.Subscribe([topic]);
            var first = Assert.Single(await member.ConsumeAsync(1, TimeSpan.FromSeconds(30)));
            Assert.Equal(newest[0].Keys.Where(o => o >= 5).Min(), first.Offset);
        }

        var described = await new CliRunner(_log).RunAsync("topics", "describe", topic);
        Assert.Equal(0, described.ExitCode);
        Assert.Contains("dirty ratio", described.Output, StringComparison.Ordinal);
        var row = described.Lines.Skip(2).Single().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(("0", "200"), (row[1], row[2]));
        Assert.Matches(@"^[0-9]\.[0-9]{2}$", row[8]);
        Assert.NotEqual("never", row[9]);
    }

    [Fact]
    public async Task Consumers_reading_while_compaction_runs_see_each_offset_with_its_record_in_order_and_every_key_newest_last()
    {
        var topic = LogCluster.NewTopic("compact-live");
        await _log.CreateTopicAsync(topic, 1, Compacting);
        var produced = new System.Collections.Concurrent.ConcurrentDictionary<long, string>();
        var producing = Task.Run(async () =>
        {
            await using var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.Zero });
            for (var round = 0; round < 40; round++)
            {
                for (var key = 0; key < 10; key++)
                {
                    var value = $"key-{key}@{round:D2}";
                    produced[(await producer.ProduceAsync(topic, new Message<string, string> { Key = $"key-{key}", Value = value })).Offset] = value;
                }

                await Task.Delay(50);
            }
        });

        // Read the partition from its start, again and again, while records arrive and compaction rewrites what is sealed.
        var passes = new List<List<(long Offset, string Value)>>();
        while (!producing.IsCompleted || passes.Count < 3)
        {
            var end = (await _log.Client.Admin.DescribePartitionsAsync(topic)).Single().HighWatermark;
            await using var consumer = _log.Client.CreateConsumer<string, string>();
            consumer.Assign([new TopicPartitionOffset(topic, 0, Offset.Beginning)]);
            var pass = new List<(long, string)>();
            while (pass.Count == 0 || pass[^1].Item1 < end - 1)
            {
                var record = await consumer.ConsumeAsync(TimeSpan.FromSeconds(10)) ?? throw new Xunit.Sdk.XunitException($"pass {passes.Count} stopped at {pass.Count} records before offset {end}");
                pass.Add((record.Offset, record.Message.Value!));
            }

            passes.Add(pass);
        }

        await producing;
        await WaitUntilCompactedAsync(_log, topic, 400);
        Assert.True(passes.Count >= 3);
        Assert.Contains(passes, pass => pass.Count < pass[^1].Offset + 1); // some pass read across what compaction removed
        foreach (var pass in passes)
        {
            // Offsets only go up, each holds the record produced there, and each key's values come in the order they were written.
            Assert.All(pass.Zip(pass.Skip(1)), p => Assert.True(p.First.Offset < p.Second.Offset, $"offset {p.Second.Offset} after {p.First.Offset}"));
            Assert.All(pass, r => Assert.Equal(produced[r.Offset], r.Value));
            Assert.All(pass.GroupBy(r => r.Value.Split('@')[0]), key => Assert.Equal(key.Select(r => r.Value).Order(StringComparer.Ordinal), key.Select(r => r.Value)));
        }

        var newest = produced.GroupBy(p => p.Value.Split('@')[0]).Select(key => key.MaxBy(p => p.Key)).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(newest, await ReadAllAsync(_log, topic, 0, expected: 10));
    }

    [Fact]
    public async Task A_record_without_a_key_is_refused_by_a_compacted_topic_with_a_typed_error_and_nothing_is_written()
    {
        var topic = LogCluster.NewTopic("compact-keyless");
        await _log.CreateTopicAsync(topic, 1, ("cleanup.policy", "compact"));
        await using var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.Zero });
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "kept" });

        var error = await Assert.ThrowsAsync<InvalidRecordException>(() => producer.ProduceAsync(topic, new Message<string, string> { Value = "no key" }));

        Assert.Contains("has no key", error.Message, StringComparison.Ordinal);
        Assert.Contains("compacted topic", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await _log.Client.Admin.DescribePartitionsAsync(topic)).Single().HighWatermark);
    }

    [Fact]
    public async Task Altering_the_cleanup_policy_to_compact_compacts_the_existing_log_and_back_to_delete_accepts_keyless_records_again()
    {
        var topic = LogCluster.NewTopic("compact-alter");
        await _log.CreateTopicAsync(topic, 1, ("segment.bytes", "1024"), ("segment.ms", "500"));
        await using var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.Zero });
        await producer.ProduceAsync(topic, new Message<string, string> { Value = "keyless, from before" });
        var newest = await ProduceRoundsAsync(_log, topic, partitions: 1, keys: 10, rounds: 5);

        await _log.Client.Admin.AlterTopicConfigAsync(topic, new Dictionary<string, string?> { ["cleanup.policy"] = "compact", ["min.cleanable.dirty.ratio"] = "0.01" });
        await WaitUntilCompactedAsync(_log, topic, 51);
        Assert.Equal(newest[0], await ReadAllAsync(_log, topic, 0, expected: 10));

        await _log.Client.Admin.AlterTopicConfigAsync(topic, new Dictionary<string, string?> { ["cleanup.policy"] = "delete" });
        var accepted = await producer.ProduceAsync(topic, new Message<string, string> { Value = "keyless, after" });
        Assert.Equal(51, accepted.Offset);
    }

    [Fact]
    public async Task Compact_and_delete_removes_old_segments_by_retention_and_duplicates_by_key()
    {
        var topic = LogCluster.NewTopic("compact-delete");
        await _log.CreateTopicAsync(
            topic, 1, ("cleanup.policy", "compact,delete"), ("retention.bytes", "2048"), ("segment.bytes", "1024"), ("segment.ms", "500"), ("min.cleanable.dirty.ratio", "0.01"));
        await ProduceRoundsAsync(_log, topic, partitions: 1, keys: 10, rounds: 30);

        await WaitUntilCompactedAsync(_log, topic, 300);
        var start = (await _log.Client.Admin.DescribePartitionsAsync(topic)).Single().LogStartOffset;
        var survivors = await ReadAllAsync(_log, topic, 0, expected: -1, from: start);

        // Retention moved the log start past the first segments; what is left holds each key once, at its newest value.
        Assert.True(start > 0, "retention.bytes 2048 deletes the oldest of about 20 KiB of segments");
        Assert.NotEmpty(survivors);
        Assert.All(survivors, s => Assert.True(s.Key >= start && s.Value.EndsWith("@29", StringComparison.Ordinal), $"{s.Value} at {s.Key}"));
        Assert.Equal(survivors.Count, survivors.Values.Distinct().Count());
    }

    [Fact]
    public async Task A_silo_killed_between_writing_compacted_segments_and_switching_the_manifest_loses_nothing_and_its_blobs_are_deleted_later()
    {
        // On the second silo the hook stops every compaction after its new segments are written and reports it; the test then
        // kills that silo. On the first silo compactions wait until the kill, then go on.
        var stoppedOnSecond = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var log = await LogCluster.StartAsync(silos: 2, fastFailover: true, configureSilo: (silo, builder) =>
        {
            var name = silo.SiloName;
            builder.Services.Configure<PartitionOptions>(o => o.BeforeCompactionSwap = async cancellationToken =>
            {
                if (name.EndsWith("_0", StringComparison.Ordinal))
                {
                    await killed.Task.WaitAsync(cancellationToken);
                    return;
                }

                stoppedOnSecond.TrySetResult(name);
                await Task.Delay(Timeout.Infinite, cancellationToken);
            });
        });
        var topic = LogCluster.NewTopic("compact-crash");
        var description = await log.CreateTopicAsync(topic, 16, Compacting);
        var newest = await ProduceRoundsAsync(log, topic, partitions: 16, keys: 48, rounds: 5);

        var victim = await stoppedOnSecond.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var written = await log.Store.ListAsync(SegmentPaths.TopicPrefix(description.TopicId), CancellationToken.None);
        Assert.Contains(written, name => name.EndsWith("-1.log", StringComparison.Ordinal));
        await log.Cluster.KillSiloAsync(log.Cluster.Silos.Single(s => s.Name == victim));
        killed.SetResult();

        for (var partition = 0; partition < 16; partition++)
        {
            await WaitUntilCompactedAsync(log, topic, 15, partition);
            Assert.Equal(newest[partition], await ReadAllAsync(log, topic, partition, expected: newest[partition].Count));
        }

        // Every blob left is one generation of each segment, with its index: the dead passes' new segments were deleted.
        await LogTestExtensions.EventuallyAsync(
            async () =>
            {
                var blobs = await log.Store.ListAsync(SegmentPaths.TopicPrefix(description.TopicId), CancellationToken.None);
                return blobs.GroupBy(b => b[..b.LastIndexOf('/')]).All(partition =>
                {
                    var logs = partition.Where(b => b.EndsWith(".log", StringComparison.Ordinal)).Select(b => b[..^4]).ToList();
                    var indexes = partition.Where(b => b.EndsWith(".index", StringComparison.Ordinal)).Select(b => b[..^6]).ToHashSet();
                    return logs.Count == indexes.Count && logs.All(indexes.Contains)
                        && logs.Select(l => l[(l.LastIndexOf('/') + 1)..][..20]).Distinct().Count() == logs.Count;
                });
            },
            TimeSpan.FromSeconds(60),
            "the orphaned blobs of the killed silo's compactions to be deleted");
    }

    // Produces `rounds` values for each of `keys` keys (spread over the partitions by key) and returns, per partition, each key's
    // newest record by offset.
    private static async Task<Dictionary<int, Dictionary<long, string>>> ProduceRoundsAsync(LogCluster log, string topic, int partitions, int keys, int rounds)
    {
        var newest = Enumerable.Range(0, partitions).ToDictionary(p => p, _ => new Dictionary<string, (long Offset, string Value)>());
        await using (var producer = log.Client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.Zero }))
        {
            for (var round = 0; round < rounds; round++)
            {
                var sent = Enumerable.Range(0, keys).Select(k => (Key: $"key-{k}", Value: $"key-{k}@{round}", Partition: k % partitions)).ToList();
                var results = await Task.WhenAll(sent.Select(m => producer.ProduceAsync(new TopicPartition(topic, m.Partition), new Message<string, string> { Key = m.Key, Value = m.Value })));
                for (var i = 0; i < sent.Count; i++)
                {
                    newest[sent[i].Partition][sent[i].Key] = (results[i].Offset, sent[i].Value);
                }
            }
        }

        return newest.ToDictionary(p => p.Key, p => p.Value.Values.ToDictionary(v => v.Offset, v => v.Value));
    }

    // Waits until the partition's whole log is sealed (segment.ms rolled the last segment) and compacted (dirty ratio 0).
    private static Task WaitUntilCompactedAsync(LogCluster log, string topic, long highWatermark, int partition = 0) =>
        LogTestExtensions.EventuallyAsync(
            async () => (await log.Client.Admin.DescribePartitionsAsync(topic))[partition] is { LastCompaction: not null, DirtyRatio: 0 } p
                && p.HighWatermark == highWatermark
                && await IsAllSealedAsync(log, topic, partition),
            TimeSpan.FromSeconds(90),
            $"partition {partition} of {topic} to be sealed and compacted");

    // Every segment blob of the partition has its index: the active segment has no blob yet (nothing was written since the roll).
    // Names, not counts: a replaced segment being deleted may have lost its log and not yet its index.
    private static async Task<bool> IsAllSealedAsync(LogCluster log, string topic, int partition)
    {
        var topicId = (await log.Client.Admin.DescribeTopicAsync(topic)).TopicId;
        var blobs = await log.Store.ListAsync(SegmentPaths.PartitionPrefix(topicId, partition), CancellationToken.None);
        var indexes = blobs.Where(b => b.EndsWith(".index", StringComparison.Ordinal)).Select(b => b[..^".index".Length]).ToHashSet();
        var logs = blobs.Where(b => b.EndsWith(".log", StringComparison.Ordinal)).Select(b => b[..^".log".Length]).ToList();
        return logs.Count > 0 && logs.All(indexes.Contains);
    }

    // Reads a partition from `from` (its log start by default) with the native consumer: `expected` records, or (with -1) until
    // nothing more arrives.
    private static async Task<Dictionary<long, string>> ReadAllAsync(LogCluster log, string topic, int partition, int expected, long from = Offset.Beginning)
    {
        await using var consumer = log.Client.CreateConsumer<string, string>();
        consumer.Assign([new TopicPartitionOffset(topic, partition, from)]);
        var records = new Dictionary<long, string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((expected < 0 || records.Count < expected) && DateTime.UtcNow < deadline)
        {
            if (await consumer.ConsumeAsync(TimeSpan.FromSeconds(expected < 0 ? 3 : 1)) is not { } record)
            {
                if (expected < 0)
                {
                    break;
                }

                continue;
            }

            records.Add(record.Offset, record.Message.Value!);
        }

        // Nothing beyond the newest records: a little longer for any that should not be there.
        if (expected >= 0 && await consumer.ConsumeAsync(TimeSpan.FromMilliseconds(500)) is { } extra)
        {
            records.Add(extra.Offset, extra.Message.Value!);
        }

        return records;
    }
}
