using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OrleansLog.Client.Serialization;
using OrleansLog.Groups;

namespace OrleansLog.Client;

/// <summary>
/// Consumes records from assigned partitions. Each partition is prefetched in the background by long-poll fetches; records are
/// decoded one at a time from the fetched batches as the app consumes them. Consume from one thread at a time; <see cref="Assign(IEnumerable{TopicPartitionOffset})"/>,
/// <see cref="Seek"/> and consuming may be called from different threads. With <see cref="ConsumerOptions.GroupId"/> set, <see cref="Subscribe"/>
/// joins the consumer group, which assigns the partitions; positions are committed to the group automatically or by <see cref="Commit()"/>.
/// </summary>
/// <remarks>
/// A facade over three parts: the <see cref="PartitionAssignment"/> (which partitions, their fetchers and pauses), the
/// <see cref="RecordCursor{TKey, TValue}"/> (which record comes next) and the <see cref="OffsetCommitter"/> (commits and auto-commit);
/// with a subscription, <see cref="GroupMembership"/> runs the group protocol and calls back here to grant and revoke partitions.
/// </remarks>
public sealed class Consumer<TKey, TValue> : IAsyncDisposable, IGroupMemberHost
{
    private readonly ConsumerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly PartitionAssignment _assignment;
    private readonly RecordCursor<TKey, TValue> _cursor;
    private readonly OffsetCommitter _committer;
    private GroupMembership? _membership;
    private RebalanceListener? _listener;
    private string[] _subscription = [];
    private bool _closed;
    private bool _disposed;

    internal Consumer(OrleansLogClient client, ConsumerOptions options, IDeserializer<TKey> keyDeserializer, IDeserializer<TValue> valueDeserializer)
    {
        options.Validate();
        _options = options;
        _logger = client.LoggerFactory.CreateLogger("OrleansLog.Client.Consumer");
        _time = client.Time;
        var group = options.GroupId is null ? null : client.GrainFactory.GetGrain<IConsumerGroupGrain>(options.GroupId);
        _assignment = new PartitionAssignment(tp => new PartitionFetcher(tp, client, options, _cursor!.Deliver, group is null ? null : _committer!.CommittedOffsetAsync));
        _cursor = new RecordCursor<TKey, TValue>(options, _assignment, keyDeserializer, valueDeserializer, client.Time);
        _committer = new OffsetCommitter(group, options, _assignment, () => _membership, client.Time, _logger);
        if (group is not null && options.EnableAutoCommit)
        {
            _committer.StartAutoCommit(_cursor.Fail);
        }
    }

    /// <summary>The topics this consumer subscribed to (empty for a consumer that assigns partitions itself).</summary>
    public IReadOnlyList<string> Subscription => _subscription;

    /// <summary>The member id the group gave this consumer, or null while it is not a member.</summary>
    public string? MemberId => _membership?.MemberId;

    /// <summary>The partitions currently assigned.</summary>
    public IReadOnlyList<TopicPartition> Assignment => _assignment.Partitions;

    /// <summary>The partitions paused now.</summary>
    public IReadOnlyList<TopicPartition> Paused => _assignment.Paused;

    /// <summary>
    /// Joins the consumer group <see cref="ConsumerOptions.GroupId"/> subscribed to <paramref name="topics"/> (topics created later are picked up);
    /// the group assigns the partitions, and <paramref name="listener"/> hears about each change. Records flow once the first assignment arrives.
    /// </summary>
    public void Subscribe(IEnumerable<string> topics, RebalanceListener? listener = null)
    {
        ObjectDisposedException.ThrowIf(_disposed || _closed, this);
        var group = _committer.Group;
        if (group is null)
        {
            GroupId.Validate(_options.GroupId);
        }

        string[] names = [.. topics.Distinct(StringComparer.Ordinal)];
        if (names.Length == 0)
        {
            throw new ArgumentException("Subscribe needs at least one topic name.", nameof(topics));
        }

        foreach (var name in names)
        {
            Topics.TopicName.Validate(name);
        }

        _assignment.UseGroup(names);
        _listener = listener;
        _subscription = names;
        _membership = new GroupMembership(group!, _options, names, this, _time, _logger);
        _membership.Start();
    }

    // Commit and Commit(offsets) block the calling thread on purpose, like Consume(timeout): they are Kafka's commitSync for apps with a
    // synchronous consume loop; async code uses CommitAsync.

    /// <summary>Commits the positions of every assigned partition (the offset after the last record consumed), blocking until they are durable.</summary>
    public IReadOnlyList<TopicPartitionOffset> Commit() => CommitAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Commits specific offsets (the next offset to consume in each partition), blocking until they are durable.</summary>
    public void Commit(IEnumerable<TopicPartitionOffset> offsets) => CommitAsync(offsets).AsTask().GetAwaiter().GetResult();

    /// <summary>Commits the positions of every assigned partition; completes when they are durable.</summary>
    public async ValueTask<IReadOnlyList<TopicPartitionOffset>> CommitAsync(CancellationToken cancellationToken = default)
    {
        var positions = _committer.ConsumedPositions(null);
        await CommitAsync(positions, cancellationToken).ConfigureAwait(false);
        return positions;
    }

    /// <summary>Commits specific offsets (the next offset to consume in each partition), with optional <paramref name="metadata"/>; completes when they are durable.</summary>
    public async ValueTask CommitAsync(IEnumerable<TopicPartitionOffset> offsets, CancellationToken cancellationToken = default, string? metadata = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _committer.CommitAsync(offsets, metadata, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The group's committed offsets for <paramref name="partitions"/>; <see cref="Offset.Unset"/> where there is none.</summary>
    public Task<IReadOnlyList<TopicPartitionOffset>> CommittedAsync(IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken = default) =>
        _committer.CommittedAsync(partitions, cancellationToken);

    /// <summary>Stops handing out records of these assigned partitions (and fetching them) until <see cref="Resume"/>; positions are kept.</summary>
    public void Pause(IEnumerable<TopicPartition> partitions) => _assignment.Pause(partitions);

    /// <summary>Resumes paused partitions at their positions.</summary>
    public void Resume(IEnumerable<TopicPartition> partitions) => _assignment.Resume(partitions);

    /// <summary>Replaces the assignment with these partitions, each starting at its offset (or <see cref="Offset.Beginning"/>, <see cref="Offset.End"/>, <see cref="Offset.Unset"/>).</summary>
    public void Assign(IEnumerable<TopicPartitionOffset> partitions)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _assignment.Replace(partitions);
    }

    /// <summary>Replaces the assignment with these partitions, starting where <see cref="ConsumerOptions.AutoOffsetReset"/> says.</summary>
    public void Assign(IEnumerable<TopicPartition> partitions) => Assign(partitions.Select(tp => new TopicPartitionOffset(tp.Topic, tp.Partition, Offset.Unset)));

    /// <summary>Removes every assigned partition.</summary>
    public void Unassign() => Assign(Array.Empty<TopicPartitionOffset>());

    /// <summary>Moves an assigned partition's position; the next record consumed from it is at <paramref name="position"/>'s offset.</summary>
    public void Seek(TopicPartitionOffset position) => _assignment.Seek(position);

    /// <summary>The offset of the next record this consumer hands out from <paramref name="partition"/>, or <see cref="Offset.Unset"/> while not known yet.</summary>
    public long Position(TopicPartition partition) => _assignment.Position(partition);

    /// <summary>The high watermark of an assigned partition as of its last fetch, or -1 when not fetched yet (for lag: high watermark minus position).</summary>
    public long GetHighWatermark(TopicPartition partition) => _assignment.HighWatermark(partition);

    /// <summary>Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until one arrives) for the next record; null when none arrived in time.</summary>
    public ConsumeResult<TKey, TValue>? Consume(TimeSpan timeout) => _cursor.Consume(timeout);

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until one arrives or <paramref name="cancellationToken"/>
    /// is cancelled) for the next record without blocking a thread; null when none arrived in time.
    /// </summary>
    public ValueTask<ConsumeResult<TKey, TValue>?> ConsumeAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _cursor.ConsumeAsync(timeout, cancellationToken);

    /// <summary>Consumes records as they arrive until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<ConsumeResult<TKey, TValue>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            ConsumeResult<TKey, TValue>? result;
            try
            {
                result = await ConsumeAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            if (result is not null)
            {
                yield return result;
            }
        }
    }

    /// <summary>
    /// Leaves the group promptly: revokes every partition (revoked callback, then auto-commit of consumed positions), tells the group so the partitions
    /// move at once, and stops fetching. A consumer that only assigns partitions commits its consumed positions when auto-commit is on.
    /// </summary>
    public async Task CloseAsync()
    {
        if (_closed || _disposed)
        {
            return;
        }

        _closed = true;
        await _committer.StopAutoCommitAsync().ConfigureAwait(false);
        if (_membership is not null)
        {
            await _membership.StopAsync(leave: true).ConfigureAwait(false);
        }
        else if (_committer.Group is not null && _options.EnableAutoCommit)
        {
            await _committer.CommitConsumedAsync(null).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the consumer (see <see cref="CloseAsync"/>) and stops fetching.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await CloseAsync().ConfigureAwait(false);
        _disposed = true;
        _cursor.Close();
        try
        {
            await Task.WhenAll(_assignment.Close()).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops heartbeating, committing and fetching at once, without revoking, committing or leaving: what a crashed process does (for tests of session expiry).</summary>
    internal async Task AbandonAsync()
    {
        _closed = true;
        await _committer.StopAutoCommitAsync().ConfigureAwait(false);
        if (_membership is not null)
        {
            await _membership.StopAsync(leave: false).ConfigureAwait(false);
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    async Task IGroupMemberHost.AssignAsync(IReadOnlyList<TopicPartition> partitions)
    {
        var assigned = _assignment.Add(partitions);
        await InvokeAsync(_listener?.PartitionsAssigned, assigned).ConfigureAwait(false);
    }

    async Task IGroupMemberHost.RevokeAsync(IReadOnlyList<TopicPartition> partitions, bool lost)
    {
        // Stop first, so no record of the partition is handed out while the app and auto-commit settle its position.
        var revoked = new List<TopicPartition>(partitions);
        var stops = _assignment.StopFetching(revoked);
        if (lost)
        {
            await InvokeAsync(_listener?.PartitionsLost, revoked).ConfigureAwait(false);
        }
        else
        {
            await InvokeAsync(_listener?.PartitionsRevoked, revoked).ConfigureAwait(false);
            if (_options.EnableAutoCommit)
            {
                await _committer.CommitConsumedAsync(revoked).ConfigureAwait(false);
            }
        }

        _assignment.Remove(revoked);
        _committer.Forget(revoked);
        try
        {
            await Task.WhenAll(stops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    void IGroupMemberHost.Fail(Exception error) => _cursor.Fail(error);

    private async Task InvokeAsync(Func<IReadOnlyList<TopicPartition>, ValueTask>? callback, List<TopicPartition> partitions)
    {
        if (callback is null || partitions.Count == 0)
        {
            return;
        }

        try
        {
            await callback(partitions).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The app's callback failed: the rebalance goes on (the group must not wait forever), and the app sees the error on its next consume.
            _cursor.Fail(e);
        }
    }
}
