using Microsoft.Extensions.Logging;
using OrleansLog.Client.Telemetry;
using OrleansLog.Errors;
using OrleansLog.Groups;

namespace OrleansLog.Client;

/// <summary>
/// A subscribed consumer's side of the group protocol: joins, then runs a loop of long-poll heartbeats that report the owned partitions and
/// apply the group's answer: revoke first (callback, commit, stop fetching), then start what was granted.
/// </summary>
internal sealed class GroupMembership(IConsumerGroupGrain group, ConsumerOptions options, string[] topics, IGroupMemberHost host, TimeProvider time, ILogger logger)
{
    private readonly object _lock = new();
    private readonly HashSet<TopicPartition> _owned = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private volatile string? _memberId;
    private volatile int _generation = -1;

    /// <summary>The member id the group gave this consumer, or null while not joined.</summary>
    public string? MemberId => _memberId;

    /// <summary>The generation of the last assignment received; commits carry it.</summary>
    public int Generation => _generation;

    public void Start() => _loop = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Stops the loop; with <paramref name="leave"/>, revokes everything (callback and commit) and leaves the group.</summary>
    public async Task StopAsync(bool leave)
    {
        _stop.Cancel();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (!leave)
        {
            return;
        }

        var memberId = _memberId;
        var owned = Owned();
        if (owned.Length > 0)
        {
            await host.RevokeAsync(owned, lost: memberId is null).ConfigureAwait(false);
            lock (_lock)
            {
                _owned.Clear();
            }
        }

        if (memberId is not null)
        {
            _memberId = null;
            try
            {
                await group.LeaveAsync(memberId).ConfigureAwait(false);
            }
            catch (Exception e) when (Retry.IsTransient(e))
            {
                // The group grain is unreachable right now: it removes this member when its session expires, which is what leaving would have done sooner.
            }
        }
    }

    /// <summary>Asks the group for the current generation (no wait) and applies it, after a commit was refused as stale.</summary>
    public async Task RefreshAsync()
    {
        var memberId = _memberId;
        if (memberId is not null)
        {
            var assignment = await group.HeartbeatAsync(memberId, Owned(), TimeSpan.Zero).ConfigureAwait(false);
            _generation = assignment.Generation;
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = options.RetryBackoff;
        var retries = 0;
        var lastContact = time.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                MemberAssignment assignment;
                if (_memberId is null)
                {
                    assignment = await group.JoinAsync(new JoinGroupRequest
                    {
                        InstanceId = options.GroupInstanceId,
                        ClientId = options.ClientId,
                        Host = Environment.MachineName,
                        Topics = topics,
                        SessionTimeout = options.SessionTimeout,
                        RebalanceTimeout = options.RebalanceTimeout,
                        Assignor = options.PartitionAssignmentStrategy,
                    }, cancellationToken).ConfigureAwait(false);
                    _memberId = assignment.MemberId;
                    ClientLog.Joined(logger, options.GroupId!, assignment.MemberId, assignment.Generation);
                }
                else
                {
                    assignment = await group.HeartbeatAsync(_memberId, Owned(), options.HeartbeatInterval, cancellationToken).ConfigureAwait(false);
                }

                lastContact = time.GetTimestamp();
                backoff = options.RetryBackoff;
                retries = 0;
                await ApplyAsync(assignment).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is UnknownMemberException or FencedInstanceIdException)
            {
                // The group dropped this member: whatever it owned may already be someone else's.
                ClientLog.MembershipLost(logger, options.GroupId!, _memberId, e.Message, Owned().Length);
                await LoseAllAsync().ConfigureAwait(false);
                if (e is FencedInstanceIdException)
                {
                    host.Fail(e);
                    return;
                }
            }
            catch (Exception e) when (Retry.IsTransient(e))
            {
                ClientMetrics.Retries.Add(1, ClientMetrics.Failure("heartbeat", "", e));
                if (retries++ == 0)
                {
                    ClientLog.HeartbeatRetrying(logger, options.GroupId!, e.GetType().Name, e.Message);
                }

                if (time.GetElapsedTime(lastContact) > options.SessionTimeout && _memberId is not null)
                {
                    // The group has certainly expired this member by now.
                    ClientLog.MembershipLost(logger, options.GroupId!, _memberId, $"no answer from the group for longer than the session timeout ({options.SessionTimeout.TotalSeconds:0.#} s)", Owned().Length);
                    await LoseAllAsync().ConfigureAwait(false);
                }

                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
                backoff = Retry.NextBackoff(backoff, TimeSpan.FromSeconds(1));
            }
            catch (Exception e)
            {
                ClientMetrics.Errors.Add(1, ClientMetrics.Failure("heartbeat", "", e));
                host.Fail(e);
                await Task.Delay(TimeSpan.FromSeconds(1), time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ApplyAsync(MemberAssignment assignment)
    {
        _generation = assignment.Generation;
        var granted = new HashSet<TopicPartition>(assignment.Partitions);
        var revoked = new List<TopicPartition>();
        foreach (var partition in Owned())
        {
            if (!granted.Contains(partition))
            {
                revoked.Add(partition);
            }
        }

        if (revoked.Count > 0)
        {
            await host.RevokeAsync(revoked, lost: false).ConfigureAwait(false);
            lock (_lock)
            {
                _owned.ExceptWith(revoked);
            }
        }

        var added = new List<TopicPartition>();
        lock (_lock)
        {
            foreach (var partition in assignment.Partitions)
            {
                if (_owned.Add(partition))
                {
                    added.Add(partition);
                }
            }
        }

        if (added.Count > 0)
        {
            await host.AssignAsync(added).ConfigureAwait(false);
        }

        if (added.Count > 0 || revoked.Count > 0)
        {
            ClientLog.AssignmentChanged(logger, options.GroupId!, assignment.Generation, added.Count == 0 ? "none" : string.Join(", ", added), revoked.Count == 0 ? "none" : string.Join(", ", revoked));
        }
    }

    private async Task LoseAllAsync()
    {
        _memberId = null;
        _generation = -1;
        var lost = Owned();
        lock (_lock)
        {
            _owned.Clear();
        }

        if (lost.Length > 0)
        {
            await host.RevokeAsync(lost, lost: true).ConfigureAwait(false);
        }
    }

    private TopicPartition[] Owned()
    {
        lock (_lock)
        {
            return [.. _owned];
        }
    }
}
