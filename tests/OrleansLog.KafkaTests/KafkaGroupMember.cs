using System.Collections.Concurrent;
using Confluent.Kafka;

namespace OrleansLog.KafkaTests;

/// <summary>
/// One Confluent.Kafka group consumer polled on its own thread, as an application runs it: it records each record it receives, commits
/// each one synchronously before the next poll (so a graceful rebalance hands over nothing twice), and tracks its assignment.
/// </summary>
public sealed class KafkaGroupMember : IDisposable
{
    private readonly IConsumer<string, string> _consumer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly object _gate = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<Confluent.Kafka.TopicPartition> _assignment = [];
    private int _revoked;

    /// <summary>Starts a member of <paramref name="groupId"/> subscribed to <paramref name="topic"/>.</summary>
    public KafkaGroupMember(string name, string bootstrapServers, string groupId, string topic, Action<ConsumerConfig>? configure = null)
    {
        Name = name;
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = groupId,
            ClientId = name,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 10_000,
            HeartbeatIntervalMs = 500,
            FetchWaitMaxMs = 100,
        };
        configure?.Invoke(config);
        _consumer = new ConsumerBuilder<string, string>(config)
            .SetPartitionsAssignedHandler((_, partitions) => Update(current => [.. current, .. partitions]))
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                Interlocked.Add(ref _revoked, partitions.Count);
                Update(current => [.. current.Except(partitions.Select(p => p.TopicPartition))]);
            })
            .SetPartitionsLostHandler((_, partitions) => Update(current => [.. current.Except(partitions.Select(p => p.TopicPartition))]))
            .Build();
        _consumer.Subscribe(topic);
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>The member's client id.</summary>
    public string Name { get; }

    /// <summary>Every record received: key, partition and offset.</summary>
    public ConcurrentQueue<(string Key, int Partition, long Offset)> Received { get; } = new();

    /// <summary>Errors the client reported (besides the transient ones every client logs).</summary>
    public ConcurrentQueue<Error> Errors { get; } = new();

    /// <summary>The partitions the member holds now.</summary>
    public IReadOnlyList<int> Partitions
    {
        get
        {
            lock (_gate)
            {
                return [.. _assignment.Select(p => p.Partition.Value).Order()];
            }
        }
    }

    /// <summary>The number of times the member's assignment changed.</summary>
    public int AssignmentChanges { get; private set; }

    /// <summary>How many partitions were revoked from the member, in all.</summary>
    public int Revoked => Volatile.Read(ref _revoked);

    /// <summary>Leaves the group (LeaveGroup) and closes the client.</summary>
    public Task CloseAsync()
    {
        _stop.Cancel();
        return _closed.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_stop.IsCancellationRequested)
        {
            CloseAsync().GetAwaiter().GetResult();
        }
    }

    private void Update(Func<List<Confluent.Kafka.TopicPartition>, List<Confluent.Kafka.TopicPartition>> change)
    {
        lock (_gate)
        {
            _assignment = change(_assignment);
            AssignmentChanges++;
        }
    }

    private void Run()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                    if (result is { IsPartitionEOF: false, Message: not null })
                    {
                        Received.Enqueue((result.Message.Key, result.Partition.Value, result.Offset.Value));
                        _consumer.Commit(result);
                    }
                }
                catch (KafkaException e)
                {
                    Errors.Enqueue(e.Error);
                }
            }

            _consumer.Close();
            _closed.TrySetResult();
        }
        catch (Exception e)
        {
            _closed.TrySetException(e);
        }
        finally
        {
            _consumer.Dispose();
        }
    }
}

/// <summary>Waiting for a group to settle.</summary>
public static class KafkaGroups
{
    /// <summary>Waits until <paramref name="condition"/> holds, polling every 100 ms; throws with <paramref name="describe"/> after <paramref name="timeout"/>.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe) =>
        WaitUntilAsync(() => Task.FromResult(condition()), timeout, describe);

    /// <summary>Waits until <paramref name="condition"/> holds, polling every 100 ms; throws with <paramref name="describe"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s: {describe()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until the group's committed offsets add up to <paramref name="total"/> (every record read is committed).</summary>
    public static async Task WaitForCommittedAsync(KafkaBrokerFixture broker, string group, long total)
    {
        long committed = 0;
        await WaitUntilAsync(
            async () => (committed = (await broker.Log.Admin.FetchCommittedOffsetsAsync(group)).Sum(o => o.Offset)) >= total,
            TimeSpan.FromSeconds(60),
            () => $"the group committed {committed} of {total} records");
    }

    /// <summary>The members' partitions, for failure messages.</summary>
    public static string Describe(IEnumerable<KafkaGroupMember> members) =>
        string.Join("; ", members.Select(m => $"{m.Name}: [{string.Join(',', m.Partitions)}] received {m.Received.Count}"));

    /// <summary>Produces <paramref name="count"/> keyed records (<c>{prefix}-{i}</c>) spread over the topic's partitions by key.</summary>
    public static async Task<string[]> ProduceKeyedAsync(string bootstrapServers, string topic, string prefix, int count)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 5 }).Build();
        var keys = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToArray();
        await Task.WhenAll(keys.Select(k => producer.ProduceAsync(topic, new Message<string, string> { Key = k, Value = k })));
        return keys;
    }
}
