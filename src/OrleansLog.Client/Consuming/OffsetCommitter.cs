using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OrleansLog.Client.Telemetry;
using OrleansLog.Errors;
using OrleansLog.Groups;

namespace OrleansLog.Client;

/// <summary>
/// Commits a consumer's offsets to its group: as a member (fenced by member id and generation) or, for a consumer that assigns its own
/// partitions, from outside the group; remembers what was committed so unchanged positions are not sent again; runs auto-commit.
/// </summary>
internal sealed class OffsetCommitter(
    IConsumerGroupGrain? group,
    ConsumerOptions options,
    PartitionAssignment assignment,
    Func<GroupMembership?> membership,
    TimeProvider time,
    ILogger logger)
{
    private readonly ConcurrentDictionary<TopicPartition, long> _lastCommitted = new();
    private readonly CancellationTokenSource _autoCommitStop = new();
    private Task _autoCommitLoop = Task.CompletedTask;

    /// <summary>The consumer's group, or null for a consumer without <see cref="ConsumerOptions.GroupId"/>.</summary>
    public IConsumerGroupGrain? Group => group;

    /// <summary>Commits <paramref name="offsets"/> (the next offset to consume in each partition) with <paramref name="metadata"/>; completes when durable.</summary>
    public async ValueTask CommitAsync(IEnumerable<TopicPartitionOffset> offsets, string? metadata, CancellationToken cancellationToken)
    {
        var target = group ?? throw new InvalidGroupIdException("This consumer has no ConsumerOptions.GroupId, so it has no group to commit offsets to; set GroupId.");
        var commits = new List<CommittedOffset>();
        foreach (var offset in offsets)
        {
            if (offset.Offset < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(offsets), offset.Offset, $"Cannot commit {offset}: a committed offset is the next offset to consume, 0 or more.");
            }

            commits.Add(new CommittedOffset(offset.Topic, offset.Partition, offset.Offset, metadata));
        }

        if (commits.Count == 0)
        {
            return;
        }

        var member = membership();
        if (member is null)
        {
            await target.CommitStandaloneOffsetsAsync([.. commits], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var memberId = member.MemberId ?? throw new UnknownMemberException($"This consumer is not a member of group '{options.GroupId}' right now (it is joining, or its session expired); commit after partitions are assigned.");
            try
            {
                await target.CommitOffsetsAsync(memberId, member.Generation, [.. commits], cancellationToken).ConfigureAwait(false);
            }
            catch (IllegalGenerationException)
            {
                // The generation moved on while this consumer still owns the partitions (another member joined or left): refresh it and commit once more.
                await member.RefreshAsync().ConfigureAwait(false);
                await target.CommitOffsetsAsync(memberId, member.Generation, [.. commits], cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var commit in commits)
        {
            _lastCommitted[commit.TopicPartition] = commit.Offset;
        }
    }

    /// <summary>The group's committed offsets for <paramref name="partitions"/>; <see cref="Offset.Unset"/> where there is none.</summary>
    public async Task<IReadOnlyList<TopicPartitionOffset>> CommittedAsync(IEnumerable<TopicPartition> partitions, CancellationToken cancellationToken)
    {
        var target = group ?? throw new InvalidGroupIdException("This consumer has no ConsumerOptions.GroupId, so it has no committed offsets; set GroupId.");
        var asked = partitions.ToList();
        var found = await target.FetchOffsetsAsync([.. asked], cancellationToken).ConfigureAwait(false);
        var byPartition = found.ToDictionary(o => o.TopicPartition, o => o.Offset);
        return [.. asked.Select(p => new TopicPartitionOffset(p.Topic, p.Partition, byPartition.GetValueOrDefault(p, Offset.Unset)))];
    }

    /// <summary>The group's committed offset for one partition, or -1: where a group consumer starts fetching it.</summary>
    public async Task<long> CommittedOffsetAsync(TopicPartition partition, CancellationToken cancellationToken)
    {
        var found = await group!.FetchOffsetsAsync([partition], cancellationToken).ConfigureAwait(false);
        return found.Length == 0 ? -1 : found[0].Offset;
    }

    /// <summary>The positions of the assigned partitions (all, or those in <paramref name="only"/>) that moved since their last commit.</summary>
    public List<TopicPartitionOffset> ConsumedPositions(IReadOnlyCollection<TopicPartition>? only) =>
        assignment.Positions(only, (tp, position) => !_lastCommitted.TryGetValue(tp, out var last) || last != position);

    /// <summary>
    /// Commits the consumed positions (all, or those in <paramref name="only"/>). A commit the group refuses (this member no longer owns the
    /// partition) or that cannot reach it is logged and dropped: the records since the last commit go again to the partition's next owner,
    /// which is the at-least-once promise.
    /// </summary>
    public async Task CommitConsumedAsync(IReadOnlyCollection<TopicPartition>? only)
    {
        try
        {
            await CommitAsync(ConsumedPositions(only), metadata: null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IllegalGenerationException or UnknownMemberException or FencedInstanceIdException || Retry.IsTransient(e))
        {
            ClientLog.AutoCommitFailed(logger, options.GroupId!, e.GetType().Name, e.Message);
        }
    }

    /// <summary>Forgets what was committed for <paramref name="partitions"/> (they were revoked).</summary>
    public void Forget(IReadOnlyList<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            _lastCommitted.TryRemove(tp, out _);
        }
    }

    /// <summary>Commits consumed positions every <see cref="ConsumerOptions.AutoCommitInterval"/> until stopped; other failures go to <paramref name="fail"/>.</summary>
    public void StartAutoCommit(Action<Exception> fail)
    {
        var stop = _autoCommitStop.Token;
        _autoCommitLoop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(options.AutoCommitInterval, time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                try
                {
                    await CommitConsumedAsync(null).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    fail(e);
                }
            }
        });
    }

    /// <summary>Stops auto-commit and waits for a commit in flight.</summary>
    public async Task StopAutoCommitAsync()
    {
        _autoCommitStop.Cancel();
        await _autoCommitLoop.ConfigureAwait(false);
    }
}
