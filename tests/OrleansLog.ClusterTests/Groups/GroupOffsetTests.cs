using System.Diagnostics.Metrics;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Errors;
using OrleansLog.Groups;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.ClusterTests.Groups;

[Collection(GroupClusterCollection.Name)]
public sealed class GroupOffsetTests(GroupClusterFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly LogCluster _log = fixture.Log;

    [Fact]
    public async Task A_group_resumes_at_its_committed_offsets_after_commit_close_and_restart()
    {
        var topic = LogCluster.NewTopic("groups-resume");
        await _log.CreateTopicAsync(topic, 3);
        await GroupTestHelpers.ProduceAsync(_log, topic, 300);
        var groupId = GroupTestHelpers.NewGroup("resume");
        var options = GroupMember.Options() with { GroupId = groupId, EnableAutoCommit = false };

        List<ConsumeResult<string, string>> firstRun;
        IReadOnlyList<TopicPartitionOffset> committed;
        await using (var consumer = _log.Client.CreateConsumer<string, string>(options))
        {
            consumer.Subscribe([topic]);
            firstRun = await consumer.ConsumeAsync(120, Timeout);
            Assert.Equal(120, firstRun.Count);
            committed = await consumer.CommitAsync();
        }

        // The committed offsets are the positions after the last record consumed in each partition; a partition whose position was
        // resolved without consuming anything yet commits its log start (0), one still resolving commits nothing.
        var expected = firstRun.GroupBy(r => r.Partition).ToDictionary(g => g.Key, g => g.Max(r => r.Offset) + 1);
        var byPartition = committed.ToDictionary(c => c.Partition, c => c.Offset);
        foreach (var (partition, offset) in byPartition)
        {
            Assert.Equal(expected.GetValueOrDefault(partition, 0), offset);
        }

        Assert.All(expected.Keys, p => Assert.True(byPartition.ContainsKey(p), $"partition {p} was consumed but not committed"));
        var stored = await _log.Client.Admin.FetchCommittedOffsetsAsync(groupId, topic);
        Assert.Equal(byPartition.OrderBy(e => e.Key), stored.ToDictionary(c => c.Partition, c => c.Offset).OrderBy(e => e.Key));

        await using (var restarted = _log.Client.CreateConsumer<string, string>(options))
        {
            restarted.Subscribe([topic]);
            var secondRun = await restarted.ConsumeAsync(180, Timeout);

            // Together the two runs read every record exactly once: the restart began at the committed offsets.
            Assert.Equal(180, secondRun.Count);
            Assert.All(secondRun, r => Assert.True(r.Offset >= expected.GetValueOrDefault(r.Partition), $"{r.Partition}@{r.Offset} was before the commit"));
            var all = firstRun.Concat(secondRun).Select(r => r.Message.Value).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Enumerable.Range(0, 300).Select(i => $"v-{i}").Order(StringComparer.Ordinal), all);
            Assert.Null(await restarted.ConsumeAsync(TimeSpan.FromMilliseconds(500)));
        }
    }

    [Fact]
    public async Task Uncommitted_records_are_delivered_again_after_a_rebalance_and_auto_commit_commits_periodically_and_on_close()
    {
        var topic = LogCluster.NewTopic("groups-redeliver");
        await _log.CreateTopicAsync(topic, 1);
        await GroupTestHelpers.ProduceAsync(_log, topic, 50);
        var groupId = GroupTestHelpers.NewGroup("redeliver");

        // Manual commit mode, never committing: at-least-once means the next member reads the same records again.
        await using (var forgetful = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = groupId, EnableAutoCommit = false }))
        {
            forgetful.Subscribe([topic]);
            Assert.Equal(50, (await forgetful.ConsumeAsync(50, Timeout)).Count);
        }

        Assert.Empty(await _log.Client.Admin.FetchCommittedOffsetsAsync(groupId));
        await using var autoCommitting = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = groupId, AutoCommitInterval = TimeSpan.FromMilliseconds(200) });
        autoCommitting.Subscribe([topic]);
        var again = await autoCommitting.ConsumeAsync(50, Timeout);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), again.Select(r => r.Offset));

        // Auto-commit: within a few intervals, with the consumer still open, the group holds its position.
        await LogTestExtensions.EventuallyAsync(
            async () => (await _log.Client.Admin.FetchCommittedOffsetsAsync(groupId)).SingleOrDefault()?.Offset == 50,
            Timeout,
            "auto-commit of offset 50");

        await GroupTestHelpers.ProduceAsync(_log, topic, 5, "late");
        Assert.Equal(5, (await autoCommitting.ConsumeAsync(5, Timeout)).Count);
        await autoCommitting.CloseAsync();
        Assert.Equal(55, (await _log.Client.Admin.FetchCommittedOffsetsAsync(groupId)).Single().Offset);
    }

    [Fact]
    public async Task Offsets_and_assignment_survive_killing_the_silo_that_hosts_the_group_grain()
    {
        await using var log = await LogCluster.StartAsync(silos: 3, fastFailover: true);
        var topic = LogCluster.NewTopic("groups-kill");
        await log.CreateTopicAsync(topic, 4);
        await GroupTestHelpers.ProduceAsync(log, topic, 80);

        // Pick a group whose grain is not on the primary silo (the test cluster's seed), so killing its silo leaves a working cluster.
        string groupId;
        GroupDescription before;
        do
        {
            groupId = GroupTestHelpers.NewGroup("kill");
            before = await log.Client.Admin.DescribeGroupAsync(groupId);
        }
        while (before.Host == log.Cluster.Silos[0].SiloAddress.ToString());

        var ownership = new OwnershipLog();
        var options = GroupMember.Options(sessionTimeout: TimeSpan.FromSeconds(20)) with { EnableAutoCommit = false };
        await using var m1 = GroupMember.Start(log, "k1", groupId, topic, ownership, options);
        await using var m2 = GroupMember.Start(log, "k2", groupId, topic, ownership, options);
        before = await GroupTestHelpers.WaitStableAsync(log, groupId, [m1, m2], Timeout);
        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(m1.Read.Count + m2.Read.Count >= 80), Timeout, "80 records read");
        await m1.Consumer.CommitAsync();
        await m2.Consumer.CommitAsync();
        var offsetsBefore = await log.Client.Admin.FetchCommittedOffsetsAsync(groupId);
        Assert.Equal(80, offsetsBefore.Sum(o => o.Offset));

        var host = log.Cluster.Silos.Single(s => s.SiloAddress.ToString() == before.Host);
        await log.Cluster.KillSiloAsync(host);

        // A new activation on another silo reloads members, generation, assignment and offsets; the members keep heartbeating without a rebalance.
        var after = await GroupTestHelpers.WaitStableAsync(log, groupId, [m1, m2], Timeout);
        Assert.NotEqual(before.Host, after.Host);
        Assert.Equal(before.Generation, after.Generation);
        Assert.Equal(before.Members.Select(m => (m.MemberId, string.Join(",", m.Assignment))), after.Members.Select(m => (m.MemberId, string.Join(",", m.Assignment))));
        var offsetsAfter = await log.Client.Admin.FetchCommittedOffsetsAsync(groupId);
        Assert.Equal(offsetsBefore.Select(o => (o.Topic, o.Partition, o.Offset)), offsetsAfter.Select(o => (o.Topic, o.Partition, o.Offset)));
        ownership.ReplayAndCheck();
    }

    [Fact]
    public async Task Offset_resets_of_every_kind_support_dry_run_and_are_refused_while_the_group_has_members()
    {
        var topic = LogCluster.NewTopic("groups-reset");
        await _log.CreateTopicAsync(topic, 2);
        await GroupTestHelpers.ProduceAsync(_log, topic, 20, "early");
        await Task.Delay(50);
        var middle = DateTimeOffset.UtcNow;
        await Task.Delay(50);
        await GroupTestHelpers.ProduceAsync(_log, topic, 20, "late");
        var groupId = GroupTestHelpers.NewGroup("reset");
        var partitions = await _log.Client.Admin.DescribePartitionsAsync(topic);
        var ends = partitions.Select(p => p.HighWatermark).ToArray();
        var lateStarts = new long[2];
        for (var p = 0; p < 2; p++)
        {
            lateStarts[p] = (await _log.Client.Admin.ListOffsetAsync(new TopicPartition(topic, p), middle.ToUnixTimeMilliseconds())).Offset;
        }

        await using (var member = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = groupId, EnableAutoCommit = false }))
        {
            member.Subscribe([topic]);
            Assert.Equal(40, (await member.ConsumeAsync(40, Timeout)).Count);
            await member.CommitAsync();

            var refused = await Assert.ThrowsAsync<GroupNotEmptyException>(() => _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToEarliest(topic), dryRun: true));
            Assert.Equal(ErrorCode.NonEmptyGroup, refused.ErrorCode);
            Assert.StartsWith($"Cannot reset the offsets of group '{groupId}' while it has 1 members", refused.Message);
            Assert.Contains("close its consumers", refused.Message);
            await Assert.ThrowsAsync<GroupNotEmptyException>(() => _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToLatest(topic)));
            var deleteRefused = await Assert.ThrowsAsync<GroupNotEmptyException>(() => _log.Client.Admin.DeleteGroupAsync(groupId));
            Assert.StartsWith($"Cannot delete group '{groupId}' while it has 1 members", deleteRefused.Message);
        }

        Assert.Equal(GroupState.Empty, (await _log.Client.Admin.DescribeGroupAsync(groupId)).State);
        async Task<long[]> Committed() => [.. (await _log.Client.Admin.FetchCommittedOffsetsAsync(groupId, topic)).OrderBy(o => o.Partition).Select(o => o.Offset)];
        Assert.Equal(ends, await Committed());

        // Dry run: the answer, no change.
        var dry = await _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToEarliest(topic), dryRun: true);
        Assert.Equal(ends, dry.Select(r => r.PreviousOffset));
        Assert.Equal([0L, 0L], dry.Select(r => r.NewOffset));
        Assert.Equal(ends, await Committed());

        await _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToEarliest(topic));
        Assert.Equal(new long[] { 0L, 0L }, await Committed());

        await _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToLatest(topic));
        Assert.Equal(ends, await Committed());

        await _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToOffset(topic, 3));
        Assert.Equal(new long[] { 3L, 3L }, await Committed());

        await _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ShiftBy(topic, 2, partitions: [1]));
        Assert.Equal(new long[] { 3L, 5L }, await Committed());
        await _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ShiftBy(topic, -100));
        Assert.Equal(new long[] { 0L, 0L }, await Committed());

        await _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToDatetime(topic, middle));
        Assert.Equal(lateStarts, await Committed());

        // A consumer started after the reset reads exactly the late records.
        await using (var member = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = groupId, EnableAutoCommit = false }))
        {
            member.Subscribe([topic]);
            var read = await member.ConsumeAsync(20, Timeout);
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"late-{i}").Order(StringComparer.Ordinal), read.Select(r => r.Message.Value!).Order(StringComparer.Ordinal));
        }

        await Assert.ThrowsAsync<UnknownTopicException>(() => _log.Client.Admin.ResetOffsetsAsync(groupId, OffsetResetSpec.ToOffset(topic, 1, partitions: [7])));
        var noCommit = GroupTestHelpers.NewGroup("reset-none");
        var shiftError = await Assert.ThrowsAsync<InvalidRequestException>(() => _log.Client.Admin.ResetOffsetsAsync(noCommit, OffsetResetSpec.ShiftBy(topic, 1)));
        Assert.Contains("no committed offset", shiftError.Message);

        Assert.Contains(await _log.Client.Admin.ListGroupsAsync(), g => g.GroupId == groupId && g.State == GroupState.Empty);
        await _log.Client.Admin.DeleteGroupAsync(groupId);
        Assert.DoesNotContain(await _log.Client.Admin.ListGroupsAsync(), g => g.GroupId == groupId);
        Assert.Equal(GroupState.Dead, (await _log.Client.Admin.DescribeGroupAsync(groupId)).State);
        Assert.Empty(await _log.Client.Admin.FetchCommittedOffsetsAsync(groupId));
        await Assert.ThrowsAsync<UnknownGroupException>(() => _log.Client.Admin.DeleteGroupAsync(groupId));
    }

    [Fact]
    public async Task Describe_and_lag_show_members_hosts_assignments_and_log_end_minus_committed()
    {
        var topic = LogCluster.NewTopic("groups-lag");
        await _log.CreateTopicAsync(topic, 2);
        var groupId = GroupTestHelpers.NewGroup("lag");
        var ownership = new OwnershipLog();
        await using var member = GroupMember.Start(_log, "lagger", groupId, topic, ownership, GroupMember.Options() with { EnableAutoCommit = false });
        var description = await GroupTestHelpers.WaitStableAsync(_log, groupId, [member], Timeout);
        var described = Assert.Single(description.Members);
        Assert.Equal("lagger", described.ClientId);
        Assert.Equal(Environment.MachineName, described.Host);
        Assert.Equal([topic], described.Topics);
        Assert.Equal(2, described.Assignment.Length);
        Assert.Equal("cooperative-sticky", description.Assignor);

        await GroupTestHelpers.ProduceAsync(_log, topic, 30);
        await LogTestExtensions.EventuallyAsync(() => Task.FromResult(member.Read.Count >= 30), Timeout, "30 records read");
        var partition0 = new TopicPartition(topic, 0);
        var consumedIn0 = member.Read.Count(r => r.Partition == partition0);
        await member.Consumer.CommitAsync([new TopicPartitionOffset(topic, 0, 1)], metadata: "checkpoint");

        var lag = await _log.Client.Admin.ListGroupLagAsync(groupId);
        var lag0 = lag.Single(l => l.Partition == 0);
        Assert.Equal(1, lag0.CommittedOffset);
        Assert.Equal(consumedIn0, lag0.LogEndOffset);
        Assert.Equal(consumedIn0 - 1, lag0.Lag);
        Assert.Equal(member.Consumer.MemberId, lag0.MemberId);
        var lag1 = lag.Single(l => l.Partition == 1);
        Assert.Equal(-1, lag1.CommittedOffset);
        Assert.Equal(30 - consumedIn0, lag1.Lag);
        Assert.Equal("checkpoint", (await _log.Client.Admin.FetchCommittedOffsetsAsync(groupId)).Single().Metadata);
    }

    [Fact]
    public async Task Commits_are_fenced_by_member_id_and_generation_and_bad_input_gets_typed_errors()
    {
        var topic = LogCluster.NewTopic("groups-fence");
        await _log.CreateTopicAsync(topic, 2);
        var groupId = GroupTestHelpers.NewGroup("fence");
        var group = _log.Cluster.Client.GetGrain<IConsumerGroupGrain>(groupId);
        var join = new JoinGroupRequest { Topics = [topic], SessionTimeout = TimeSpan.FromSeconds(30), ClientId = "raw" };
        var first = await group.JoinAsync(join);
        Assert.Equal(2, first.Partitions.Length);
        var offset = new CommittedOffset(topic, 0, 5);

        await group.CommitOffsetsAsync(first.MemberId, first.Generation, [offset]);
        var unknown = await Assert.ThrowsAsync<UnknownMemberException>(() => group.CommitOffsetsAsync("nobody", first.Generation, [offset]));
        Assert.Equal(ErrorCode.UnknownMemberId, unknown.ErrorCode);
        var stale = await Assert.ThrowsAsync<IllegalGenerationException>(() => group.CommitOffsetsAsync(first.MemberId, first.Generation - 1, [offset]));
        Assert.Equal(ErrorCode.IllegalGeneration, stale.ErrorCode);
        await Assert.ThrowsAsync<UnknownMemberException>(() => group.CommitStandaloneOffsetsAsync([offset]));

        // A second member bumps the generation: the first member's old generation is now stale, and it must revoke one partition.
        var second = await group.JoinAsync(join);
        Assert.Equal(first.Generation + 1, second.Generation);
        Assert.Empty(second.Partitions);
        await Assert.ThrowsAsync<IllegalGenerationException>(() => group.CommitOffsetsAsync(first.MemberId, first.Generation, [offset]));
        var told = await group.HeartbeatAsync(first.MemberId, first.Partitions, TimeSpan.Zero);
        var revoked = Assert.Single(first.Partitions.Except(told.Partitions));

        // Until the first member reports the revocation, the second does not get the partition; then it does.
        Assert.Empty((await group.HeartbeatAsync(second.MemberId, [], TimeSpan.Zero)).Partitions);
        await group.HeartbeatAsync(first.MemberId, told.Partitions, TimeSpan.Zero);
        Assert.Equal([revoked], (await group.HeartbeatAsync(second.MemberId, [], TimeSpan.Zero)).Partitions);
        await Assert.ThrowsAsync<IllegalGenerationException>(() => group.CommitOffsetsAsync(first.MemberId, told.Generation, [new CommittedOffset(revoked.Topic, revoked.Partition, 1)]));

        await Assert.ThrowsAsync<InvalidRequestException>(() => group.CommitOffsetsAsync(first.MemberId, told.Generation, [new CommittedOffset(topic, told.Partitions[0].Partition, -3)]));
        await Assert.ThrowsAsync<InvalidRequestException>(() => group.JoinAsync(join with { Topics = [] }));
        await Assert.ThrowsAsync<InvalidRequestException>(() => group.JoinAsync(join with { Assignor = "sticky" }));
        await Assert.ThrowsAsync<InvalidTopicException>(() => group.JoinAsync(join with { Topics = ["bad topic"] }));
        await Assert.ThrowsAsync<InvalidGroupIdException>(() => _log.Client.Admin.DescribeGroupAsync("bad group"));
        await using var noGroup = _log.Client.CreateConsumer<string, string>();
        Assert.Throws<InvalidGroupIdException>(() => noGroup.Subscribe([topic]));
        await Assert.ThrowsAsync<InvalidGroupIdException>(async () => await noGroup.CommitAsync([new TopicPartitionOffset(topic, 0, 1)]));

        await group.LeaveAsync(first.MemberId);
        await group.LeaveAsync(second.MemberId);
        Assert.Equal(GroupState.Empty, (await group.DescribeAsync()).State);
    }

    [Fact]
    public async Task A_static_member_rejoining_keeps_its_partitions_without_a_rebalance_and_the_old_member_id_is_fenced()
    {
        var topic = LogCluster.NewTopic("groups-static");
        await _log.CreateTopicAsync(topic, 4);
        var groupId = GroupTestHelpers.NewGroup("static");
        var group = _log.Cluster.Client.GetGrain<IConsumerGroupGrain>(groupId);
        var join = new JoinGroupRequest { Topics = [topic], SessionTimeout = TimeSpan.FromSeconds(30) };
        var a = await group.JoinAsync(join with { InstanceId = "instance-a" });
        var b = await group.JoinAsync(join with { InstanceId = "instance-b" });
        var aNow = await group.HeartbeatAsync(a.MemberId, a.Partitions, TimeSpan.Zero);
        await group.HeartbeatAsync(a.MemberId, aNow.Partitions, TimeSpan.Zero);
        var bNow = await group.HeartbeatAsync(b.MemberId, [], TimeSpan.Zero);
        Assert.Equal(2, aNow.Partitions.Length);
        Assert.Equal(2, bNow.Partitions.Length);

        // instance-a closes and restarts: same partitions, same generation.
        await group.LeaveAsync(a.MemberId);
        var restarted = await group.JoinAsync(join with { InstanceId = "instance-a" });
        Assert.Equal(aNow.Partitions, restarted.Partitions);
        Assert.Equal(bNow.Generation, restarted.Generation);
        Assert.NotEqual(a.MemberId, restarted.MemberId);
        var fenced = await Assert.ThrowsAsync<FencedInstanceIdException>(() => group.HeartbeatAsync(a.MemberId, aNow.Partitions, TimeSpan.Zero));
        Assert.Equal(ErrorCode.FencedInstanceId, fenced.ErrorCode);
        Assert.Equal(bNow.Partitions, (await group.HeartbeatAsync(b.MemberId, bNow.Partitions, TimeSpan.Zero)).Partitions);
    }

    [Fact]
    public async Task Auto_offset_reset_applies_without_a_committed_offset_and_pause_holds_back_a_partition_until_resume()
    {
        var topic = LogCluster.NewTopic("groups-reset-policy");
        await _log.CreateTopicAsync(topic, 2);
        await GroupTestHelpers.ProduceAsync(_log, topic, 40);

        await using (var strict = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = GroupTestHelpers.NewGroup("none"), AutoOffsetReset = AutoOffsetReset.None }))
        {
            strict.Subscribe([topic]);
            await Assert.ThrowsAsync<OffsetOutOfRangeException>(() => strict.ConsumeAsync(20, Timeout));
        }

        await using (var latest = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = GroupTestHelpers.NewGroup("latest"), AutoOffsetReset = AutoOffsetReset.Latest }))
        {
            latest.Subscribe([topic]);
            await LogTestExtensions.EventuallyAsync(
                async () =>
                {
                    Assert.Null(await latest.ConsumeAsync(TimeSpan.FromMilliseconds(100)));
                    return latest.Assignment.Count == 2 && latest.Assignment.All(p => latest.Position(p) >= 0);
                },
                Timeout,
                "positions resolved at the log end");
            await GroupTestHelpers.ProduceAsync(_log, topic, 10, "new");
            var read = await latest.ConsumeAsync(10, Timeout);
            Assert.All(read, r => Assert.StartsWith("new-", r.Message.Value, StringComparison.Ordinal));
        }

        var pauseGroup = GroupTestHelpers.NewGroup("pause");
        await using var paused = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = pauseGroup });
        paused.Assign(LogTestExtensions.FromBeginning(topic, 2));
        var zero = new TopicPartition(topic, 0);
        paused.Pause([zero]);
        Assert.Equal([zero], paused.Paused);
        var whilePaused = await paused.ConsumeAsync(50, TimeSpan.FromSeconds(3));
        Assert.NotEmpty(whilePaused);
        Assert.All(whilePaused, r => Assert.Equal(1, r.Partition));
        paused.Resume([zero]);
        var afterResume = await paused.ConsumeAsync(50 - whilePaused.Count, Timeout);
        Assert.Equal(50, whilePaused.Count + afterResume.Count);
        Assert.Contains(afterResume, r => r.Partition == 0);

        // A consumer that assigns partitions commits without membership while the group has no members.
        await paused.CommitAsync();
        var positions = paused.Assignment.Select(p => paused.Position(p)).ToList();
        Assert.Equal(positions.Sum(), (await _log.Client.Admin.FetchCommittedOffsetsAsync(pauseGroup)).Sum(o => o.Offset));
    }

    [Fact]
    public async Task Many_members_committing_at_once_share_coalesced_state_writes()
    {
        var topic = LogCluster.NewTopic("groups-coalesce");
        await _log.CreateTopicAsync(topic, 64);
        var groupId = GroupTestHelpers.NewGroup("coalesce");
        var group = _log.Cluster.Client.GetGrain<IConsumerGroupGrain>(groupId);
        var join = new JoinGroupRequest { Topics = [topic], SessionTimeout = TimeSpan.FromSeconds(30), Assignor = "range" };
        var members = new List<MemberAssignment>();
        for (var i = 0; i < 8; i++)
        {
            members.Add(await group.JoinAsync(join));
        }

        // Let every member hand over and receive its partitions, so each owns 8.
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < members.Count; i++)
            {
                members[i] = await group.HeartbeatAsync(members[i].MemberId, members[i].Partitions, TimeSpan.Zero);
            }
        }

        Assert.All(members, m => Assert.Equal(8, m.Partitions.Length));
        var generation = members.Max(m => m.Generation);
        long writes = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "orleanslog.group.state.writes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref writes, value));
        listener.Start();

        // 8 members each commit each of their 8 partitions separately, all at once (concurrent calls may arrive in any order, so one commit per partition).
        var commits = members.SelectMany(m => m.Partitions.Select(p => group.CommitOffsetsAsync(m.MemberId, generation, [new CommittedOffset(topic, p.Partition, 100 + p.Partition)]))).ToList();
        await Task.WhenAll(commits);
        listener.Dispose();

        var offsets = await group.FetchOffsetsAsync(null);
        Assert.Equal(Enumerable.Range(0, 64).Select(p => (p, 100L + p)), offsets.Select(o => (o.Partition, o.Offset)));
        output.WriteLine($"{commits.Count} concurrent commits made {Interlocked.Read(ref writes)} state writes");
        Assert.InRange(Interlocked.Read(ref writes), 1, commits.Count - 1);
    }

    [Fact]
    public async Task A_committed_offset_that_retention_deleted_is_reset_by_auto_offset_reset()
    {
        var topic = LogCluster.NewTopic("groups-retention");
        await _log.CreateTopicAsync(topic, 1, ("segment.bytes", "2048"), ("retention.bytes", "4096"));
        var groupEarliest = GroupTestHelpers.NewGroup("retention-earliest");
        var groupNone = GroupTestHelpers.NewGroup("retention-none");
        foreach (var groupId in new[] { groupEarliest, groupNone })
        {
            await _log.Cluster.Client.GetGrain<IConsumerGroupGrain>(groupId).CommitStandaloneOffsetsAsync([new CommittedOffset(topic, 0, 0)]);
        }

        await using (var producer = _log.Client.CreateProducer<string, string>(new ProducerOptions { BatchSize = 512, Linger = TimeSpan.Zero }))
        {
            for (var round = 0; round < 8; round++)
            {
                await Task.WhenAll(Enumerable.Range(round * 40, 40).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"r{i:D4}" + new string('b', 30) })));
            }
        }

        var partition = await _log.PartitionAsync(topic, 0);
        await LogTestExtensions.EventuallyAsync(async () => (await partition.DescribeAsync()).LogStartOffset > 0, Timeout, "retention to move the log start offset");
        var logStart = (await partition.DescribeAsync()).LogStartOffset;

        // Earliest: the consumer starts at the new log start offset instead of failing on the deleted committed offset.
        await using (var earliest = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = groupEarliest, EnableAutoCommit = false }))
        {
            earliest.Subscribe([topic]);
            var first = await earliest.ConsumeAsync(1, Timeout);
            Assert.True(Assert.Single(first).Offset >= logStart, $"started at {first[0].Offset}, log start {logStart}");
        }

        // None: the app is told.
        await using var strict = _log.Client.CreateConsumer<string, string>(GroupMember.Options() with { GroupId = groupNone, AutoOffsetReset = AutoOffsetReset.None, EnableAutoCommit = false });
        strict.Subscribe([topic]);
        var error = await Assert.ThrowsAsync<OffsetOutOfRangeException>(() => strict.ConsumeAsync(1, Timeout));
        Assert.Equal(0, error.Offset);
        Assert.True(error.LogStartOffset > 0);
    }

    [Fact]
    public async Task A_member_that_does_not_revoke_within_its_rebalance_timeout_is_removed_and_its_partitions_move()
    {
        var topic = LogCluster.NewTopic("groups-slow-revoke");
        await _log.CreateTopicAsync(topic, 2);
        var group = _log.Cluster.Client.GetGrain<IConsumerGroupGrain>(GroupTestHelpers.NewGroup("slow-revoke"));
        var join = new JoinGroupRequest { Topics = [topic], SessionTimeout = TimeSpan.FromSeconds(30), RebalanceTimeout = TimeSpan.FromSeconds(1) };
        var stubborn = await group.JoinAsync(join);
        Assert.Equal(2, stubborn.Partitions.Length);
        var newcomer = await group.JoinAsync(join);

        // The stubborn member keeps heartbeating but keeps reporting both partitions, so the newcomer waits for its share...
        Assert.Single((await group.HeartbeatAsync(stubborn.MemberId, stubborn.Partitions, TimeSpan.Zero)).Partitions);
        Assert.Empty((await group.HeartbeatAsync(newcomer.MemberId, [], TimeSpan.Zero)).Partitions);
        Assert.Equal(GroupState.Reconciling, (await group.DescribeAsync()).State);

        // ...until the rebalance timeout removes it; then the newcomer owns everything.
        await LogTestExtensions.EventuallyAsync(async () => (await group.HeartbeatAsync(newcomer.MemberId, [], TimeSpan.Zero)).Partitions.Length == 2, Timeout, "newcomer owns both partitions");
        await Assert.ThrowsAsync<UnknownMemberException>(() => group.HeartbeatAsync(stubborn.MemberId, stubborn.Partitions, TimeSpan.Zero));
        var description = await group.DescribeAsync();
        Assert.Equal(newcomer.MemberId, Assert.Single(description.Members).MemberId);
    }
}
