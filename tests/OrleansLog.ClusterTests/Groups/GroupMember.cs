using System.Collections.Concurrent;
using OrleansLog.Client;
using OrleansLog.ClusterTests.Infrastructure;

namespace OrleansLog.ClusterTests.Groups;

/// <summary>A subscribed consumer that consumes in the background, recording what it read and (through an <see cref="OwnershipLog"/>) what it owned.</summary>
public sealed class GroupMember : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly OwnershipLog _log;
    private bool _closed;

    private GroupMember(string name, Consumer<string, string> consumer, OwnershipLog log)
    {
        Name = name;
        Consumer = consumer;
        _log = log;
        _loop = Task.Run(ConsumeAsync);
    }

    public string Name { get; }

    public Consumer<string, string> Consumer { get; }

    /// <summary>Every record this member read: (partition, offset, value).</summary>
    public ConcurrentQueue<(TopicPartition Partition, long Offset, string Value)> Read { get; } = new();

    public static GroupMember Start(LogCluster cluster, string name, string groupId, string topic, OwnershipLog log, ConsumerOptions? options = null)
    {
        var consumer = cluster.Client.CreateConsumer<string, string>((options ?? Options()) with { GroupId = groupId, ClientId = name });
        consumer.Subscribe([topic], log.ListenerFor(name));
        return new GroupMember(name, consumer, log);
    }

    /// <summary>Options for group tests: from the earliest offset, short session and heartbeat so expiry tests stay quick.</summary>
    public static ConsumerOptions Options(TimeSpan? sessionTimeout = null) => new()
    {
        AutoOffsetReset = AutoOffsetReset.Earliest,
        SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
        HeartbeatInterval = TimeSpan.FromMilliseconds(500),
        FetchMaxWait = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Stops the app's consume loop (the consumer stays in the group).</summary>
    public async Task StopReadingAsync()
    {
        _stop.Cancel();
        await _loop;
    }

    /// <summary>Leaves the group gracefully.</summary>
    public async Task CloseAsync()
    {
        _closed = true;
        await StopReadingAsync();
        await Consumer.CloseAsync();
        await Consumer.DisposeAsync();
    }

    /// <summary>Stops dead, as a crashed process would: no revocation, no commit, no leave.</summary>
    public async Task CrashAsync()
    {
        _closed = true;
        _stop.Cancel();
        await _loop;
        _log.Crashed(Name, Consumer.Assignment);
        await Consumer.AbandonAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_closed)
        {
            await CloseAsync();
        }
    }

    private async Task ConsumeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var result = await Consumer.ConsumeAsync(TimeSpan.FromMilliseconds(100));
            if (result is not null)
            {
                Read.Enqueue((new TopicPartition(result.Topic, result.Partition), result.Offset, result.Message.Value!));
            }
        }
    }
}
