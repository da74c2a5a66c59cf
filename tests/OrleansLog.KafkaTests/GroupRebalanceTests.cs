using System.Diagnostics;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace OrleansLog.KafkaTests;

/// <summary>How Kafka-client groups rebalance against the silo: a crashed member, static members and cooperative assignment.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class GroupRebalanceTests(KafkaBrokerFixture broker, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_killed_members_partitions_move_after_its_session_timeout_and_every_record_is_consumed_once()
    {
        var topic = KafkaClients.NewTopic("crash");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 6);
        using var a = new KafkaGroupMember("a", broker.BootstrapServers, group, topic);
        using var b = new KafkaGroupMember("b", broker.BootstrapServers, group, topic);
        using var kcat = ProcessGroupMember.Kcat(broker.BootstrapServers, group, topic, sessionTimeoutMs: 6000);
        KafkaGroupMember[] survivors = [a, b];
        await KafkaGroups.WaitUntilAsync(() => survivors.All(m => m.Partitions.Count == 2), Patience, () => KafkaGroups.Describe(survivors));

        var first = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "first", 300);
        await KafkaGroups.WaitUntilAsync(() => a.Received.Count + b.Received.Count + kcat.Received.Count >= 300, Patience, () => KafkaGroups.Describe(survivors) + $"; kcat received {kcat.Received.Count}: {string.Join(' ', kcat.Errors)}");
        Assert.NotEmpty(kcat.Received);

        // kcat commits on its interval; once everything it read is committed, it dies without a word.
        await KafkaGroups.WaitForCommittedAsync(broker, group, 300);
        kcat.Kill();
        var moved = Stopwatch.StartNew();
        await KafkaGroups.WaitUntilAsync(
            () => survivors.All(m => m.Partitions.Count == 3) && survivors.SelectMany(m => m.Partitions).Distinct().Count() == 6,
            Patience,
            () => KafkaGroups.Describe(survivors));
        output.WriteLine($"partitions moved {moved.ElapsedMilliseconds} ms after the kill (session timeout 6000 ms)");
        Assert.True(moved.Elapsed >= TimeSpan.FromSeconds(4), $"The partitions moved {moved.ElapsedMilliseconds} ms after the kill, before the session could have expired.");

        var second = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "second", 300);
        await KafkaGroups.WaitUntilAsync(() => a.Received.Count + b.Received.Count >= 600 - kcat.Received.Count, Patience, () => KafkaGroups.Describe(survivors));
        await Task.Delay(500);

        var received = a.Received.Concat(b.Received).Concat(kcat.Received).ToList();
        Assert.Equal(first.Concat(second).Order(StringComparer.Ordinal), received.Select(r => r.Key).Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    [Fact]
    public async Task A_static_member_that_restarts_within_its_session_gets_its_partitions_back_without_moving_anyone_elses()
    {
        var topic = KafkaClients.NewTopic("static");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 4);
        Action<ConsumerConfig> Static(string id) => c =>
        {
            c.GroupInstanceId = id;
            c.SessionTimeoutMs = 30_000;
        };
        using var steady = new KafkaGroupMember("steady", broker.BootstrapServers, group, topic, Static("steady"));
        IReadOnlyList<int> before;
        using (var restarting = new KafkaGroupMember("restarting", broker.BootstrapServers, group, topic, Static("restarting")))
        {
            await KafkaGroups.WaitUntilAsync(() => steady.Partitions.Count == 2 && restarting.Partitions.Count == 2, Patience, () => KafkaGroups.Describe([steady, restarting]));
            before = restarting.Partitions;

            // A static member leaves no LeaveGroup behind when it closes: its place waits for it until its session expires.
            await restarting.CloseAsync();
        }

        var changes = steady.AssignmentChanges;
        using var restarted = new KafkaGroupMember("restarting", broker.BootstrapServers, group, topic, Static("restarting"));
        await KafkaGroups.WaitUntilAsync(() => restarted.Partitions.Count == 2, Patience, () => KafkaGroups.Describe([steady, restarted]));
        Assert.Equal(before, restarted.Partitions);
        await Task.Delay(2000);
        Assert.Equal(changes, steady.AssignmentChanges);
        Assert.Equal(0, steady.Revoked);

        var keys = await KafkaGroups.ProduceKeyedAsync(broker.BootstrapServers, topic, "k", 80);
        await KafkaGroups.WaitUntilAsync(() => steady.Received.Count + restarted.Received.Count >= 80, Patience, () => KafkaGroups.Describe([steady, restarted]));
        Assert.All(restarted.Received, r => Assert.Contains(r.Partition, before));
    }

    [Fact]
    public async Task Cooperative_sticky_members_give_up_only_the_partitions_that_move_to_a_new_member()
    {
        var topic = KafkaClients.NewTopic("coop");
        var group = KafkaClients.NewTopic("g");
        await broker.Log.Admin.CreateTopicAsync(topic, 6);
        Action<ConsumerConfig> cooperative = c => c.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        using var a = new KafkaGroupMember("a", broker.BootstrapServers, group, topic, cooperative);
        using var b = new KafkaGroupMember("b", broker.BootstrapServers, group, topic, cooperative);
        await KafkaGroups.WaitUntilAsync(() => a.Partitions.Count == 3 && b.Partitions.Count == 3, Patience, () => KafkaGroups.Describe([a, b]));
        var revokedBefore = a.Revoked + b.Revoked;
        var aBefore = a.Partitions;
        var bBefore = b.Partitions;

        using var c = new KafkaGroupMember("c", broker.BootstrapServers, group, topic, cooperative);
        KafkaGroupMember[] members = [a, b, c];
        await KafkaGroups.WaitUntilAsync(
            () => members.All(m => m.Partitions.Count == 2) && members.SelectMany(m => m.Partitions).Distinct().Count() == 6,
            Patience,
            () => KafkaGroups.Describe(members));

        // Each old member gave up exactly the one partition the new member took, and kept the rest throughout.
        Assert.Equal(2, a.Revoked + b.Revoked - revokedBefore);
        Assert.Subset(aBefore.ToHashSet(), a.Partitions.ToHashSet());
        Assert.Subset(bBefore.ToHashSet(), b.Partitions.ToHashSet());
    }

    [Fact]
    public async Task Rebalance_time_of_kafka_clients_on_twelve_partitions_after_a_graceful_leave_and_a_crash()
    {
        var topic = KafkaClients.NewTopic("timing");
        await broker.Log.Admin.CreateTopicAsync(topic, 12);
        Action<ConsumerConfig> classic = c => c.SessionTimeoutMs = 3000;
        Action<ConsumerConfig> kip848 = c =>
        {
            c.GroupProtocol = Confluent.Kafka.GroupProtocol.Consumer;
            c.SessionTimeoutMs = null;
            c.HeartbeatIntervalMs = null;
        };

        foreach (var (name, configure) in new[] { ("classic", classic), ("kip848", kip848) })
        {
            var group = KafkaClients.NewTopic("g");
            using var a = new KafkaGroupMember("a", broker.BootstrapServers, group, topic, configure);
            using var b = new KafkaGroupMember("b", broker.BootstrapServers, group, topic, configure);
            using var c = new KafkaGroupMember("c", broker.BootstrapServers, group, topic, configure);
            await KafkaGroups.WaitUntilAsync(() => new[] { a, b, c }.All(m => m.Partitions.Count == 4), Patience, () => KafkaGroups.Describe([a, b, c]));
            var clock = Stopwatch.StartNew();
            await c.CloseAsync();
            await KafkaGroups.WaitUntilAsync(() => a.Partitions.Count + b.Partitions.Count == 12, Patience, () => KafkaGroups.Describe([a, b]));
            output.WriteLine($"REBALANCE {name} leave {clock.ElapsedMilliseconds} ms");
        }

        // A crash: kcat (librdkafka, classic) killed with SIGKILL, session timeout 3 s.
        var crashGroup = KafkaClients.NewTopic("g");
        using var x = new KafkaGroupMember("x", broker.BootstrapServers, crashGroup, topic, classic);
        using var y = new KafkaGroupMember("y", broker.BootstrapServers, crashGroup, topic, classic);
        using var kcat = ProcessGroupMember.Kcat(broker.BootstrapServers, crashGroup, topic, sessionTimeoutMs: 3000);
        await KafkaGroups.WaitUntilAsync(() => x.Partitions.Count == 4 && y.Partitions.Count == 4, Patience, () => KafkaGroups.Describe([x, y]));
        var crashClock = Stopwatch.StartNew();
        kcat.Kill();
        await KafkaGroups.WaitUntilAsync(() => x.Partitions.Count + y.Partitions.Count == 12, Patience, () => KafkaGroups.Describe([x, y]));
        output.WriteLine($"REBALANCE classic crash {crashClock.ElapsedMilliseconds} ms (session timeout 3000 ms)");
        Assert.True(crashClock.ElapsedMilliseconds >= 2000, $"The crashed member's partitions moved after {crashClock.ElapsedMilliseconds} ms, before its session could expire.");
    }
}
