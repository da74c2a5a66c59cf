using Microsoft.Extensions.Logging;
using OrleansLog.Groups.Classic;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.Groups;

/// <summary>
/// The generations of a classic group: the join barrier (bounded by the members' rebalance timeout, and held open for Kafka's initial
/// rebalance delay when the group was empty), protocol choice and leader election when it closes, the leader's assignment relayed to
/// every member, and the pending-sync timeout. <see cref="ClassicGroup"/> decides who is a member; this class decides when a generation
/// begins and ends. <see cref="Version"/> grows with every change to persist.
/// </summary>
internal sealed class ClassicRebalance(string groupId, TimeSpan initialRebalanceDelay, ClassicMembers members, TimeProvider time, ILogger logger)
{
    private readonly ClassicMembers _members = members;
    private long _rebalanceStarted;
    private long _earliestCompletion;
    private long _deadline;

    /// <summary>Where the group is in Kafka's classic state machine.</summary>
    public GroupState State { get; private set; } = GroupState.Empty;

    /// <summary>The current generation.</summary>
    public int Generation { get; private set; }

    /// <summary>The members' protocol type (<c>consumer</c> for consumers), or null before the first member.</summary>
    public string? ProtocolType { get; private set; }

    /// <summary>The assignment protocol of the generation, or null.</summary>
    public string? ProtocolName { get; private set; }

    /// <summary>The member that computes the generation's assignment, or null.</summary>
    public string? LeaderId { get; private set; }

    /// <summary>Grows with every change that must be persisted.</summary>
    public long Version { get; private set; }

    /// <summary>Takes over a persisted generation (after its members); a group caught mid-rebalance rebalances again.</summary>
    public void Restore(ClassicGroupState state)
    {
        Generation = state.Generation;
        ProtocolType = state.ProtocolType;
        ProtocolName = state.ProtocolName;
        LeaderId = state.LeaderId;
        if (_members.Count == 0)
        {
            State = GroupState.Empty;
        }
        else if (state.Stable)
        {
            State = GroupState.Stable;
        }
        else
        {
            PrepareRebalance("the group moved while rebalancing");
        }
    }

    /// <summary>Forgets every generation (the group was deleted).</summary>
    public void Reset()
    {
        State = GroupState.Empty;
        Generation = 0;
        ProtocolType = null;
        ProtocolName = null;
        LeaderId = null;
        Version++;
    }

    /// <summary>Records a change to persist that this class did not make (a member's session or metadata).</summary>
    public void Touch() => Version++;

    /// <summary>A member just joined: the first one sets the group's protocol type, and one that arrives during the initial delay extends it.</summary>
    public void MemberAdded(string protocolType)
    {
        if (_members.Count == 1)
        {
            ProtocolType = protocolType;
        }

        Version++;
        if (State == GroupState.PreparingRebalance && _earliestCompletion > time.GetTimestamp())
        {
            // Kafka's initial rebalance delay: each member that arrives early gives the others a little longer, up to the rebalance timeout.
            _earliestCompletion = Math.Min(_deadline, time.GetTimestamp() + Ticks(initialRebalanceDelay));
        }
    }

    /// <summary>A restarted static member took over the place of <paramref name="oldId"/>; the leadership moves with it.</summary>
    public void MemberRenamed(string oldId, string newId)
    {
        if (LeaderId == oldId)
        {
            LeaderId = newId;
        }

        Version++;
    }

    /// <summary>The leader's SyncGroup: stores each member's assignment, makes the generation stable and answers every waiting member.</summary>
    public void Assign(ClassicMemberAssignment[] assignments)
    {
        var byMember = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            byMember[assignment.MemberId] = assignment.Assignment;
        }

        foreach (var each in _members.All)
        {
            each.Assignment = byMember.GetValueOrDefault(each.MemberId) ?? [];
        }

        State = GroupState.Stable;
        Version++;
        GroupMetrics.Rebalances.Add(1);
        ClassicGroupLog.Stable(logger, groupId, Generation, ProtocolName, _members.Count);
        foreach (var each in _members.All)
        {
            CompleteSync(each, Synced(each));
        }
    }

    /// <summary>Kafka's pending-sync timeout: once the assignment wait is over, members that never sent SyncGroup are removed. True when any was.</summary>
    public bool RemoveUnsynced(long now)
    {
        if (State != GroupState.CompletingRebalance || now < _deadline)
        {
            return false;
        }

        var removed = false;
        foreach (var member in _members.All.ToArray())
        {
            if (member.AwaitingSync is null)
            {
                ClassicGroupLog.Expired(logger, groupId, member.MemberId, member.InstanceId, (long)member.RebalanceTimeout.TotalMilliseconds);
                Remove(member, ErrorCode.UnknownMemberId);
                removed = true;
            }
        }

        return removed;
    }

    /// <summary>Puts the member behind the join barrier, opening a rebalance if none is open; the task completes with the barrier.</summary>
    public Task<ClassicJoinResult> AwaitRebalance(ClassicMember member, string reason)
    {
        member.AwaitingJoin = new(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = member.AwaitingJoin.Task;
        if (State != GroupState.PreparingRebalance)
        {
            PrepareRebalance(reason);
        }
        else
        {
            TryCompleteJoin();
        }

        return waiting;
    }

    /// <summary>Opens the join barrier: members must rejoin within the longest rebalance timeout; an assignment being waited on is abandoned.</summary>
    public void PrepareRebalance(string reason)
    {
        var now = time.GetTimestamp();
        if (State == GroupState.CompletingRebalance)
        {
            // The assignment being waited on is for a generation that will never be stable.
            foreach (var member in _members.All)
            {
                CompleteSync(member, SyncFailed(ErrorCode.RebalanceInProgress));
            }
        }

        var rebalanceTimeout = _members.Count == 0 ? TimeSpan.Zero : _members.All.Max(m => m.RebalanceTimeout);
        _rebalanceStarted = now;
        _deadline = now + Ticks(rebalanceTimeout);
        _earliestCompletion = State == GroupState.Empty ? Math.Min(_deadline, now + Ticks(initialRebalanceDelay)) : now;
        State = GroupState.PreparingRebalance;
        Version++;
        ClassicGroupLog.PreparingRebalance(logger, groupId, Generation, reason, (long)rebalanceTimeout.TotalMilliseconds);
        TryCompleteJoin();
    }

    // After members left or expired: the rebalance they cause, or the end of the barrier they no longer hold up.
    public void MembershipChanged(string reason)
    {
        if (State == GroupState.PreparingRebalance)
        {
            TryCompleteJoin();
        }
        else if (_members.Count == 0 && State != GroupState.Empty)
        {
            CompleteJoin();
        }
        else if (State != GroupState.Empty)
        {
            PrepareRebalance(reason);
        }
    }

    /// <summary>Closes the join barrier when every member has rejoined (and the initial delay passed) or its time is up.</summary>
    public void TryCompleteJoin()
    {
        if (State != GroupState.PreparingRebalance)
        {
            return;
        }

        var now = time.GetTimestamp();
        var allJoined = _members.PendingCount == 0 && _members.All.All(m => m.AwaitingJoin is not null);
        if (now >= _deadline)
        {
            foreach (var member in _members.All.ToArray())
            {
                if (member.AwaitingJoin is null)
                {
                    ClassicGroupLog.MissedRebalance(logger, groupId, member.MemberId, member.InstanceId, (long)time.GetElapsedTime(_rebalanceStarted, now).TotalMilliseconds);
                    Remove(member, ErrorCode.UnknownMemberId);
                }
            }

            _members.ExpirePending(null);
            CompleteJoin();
        }
        else if (allJoined && now >= _earliestCompletion)
        {
            CompleteJoin();
        }
    }

    private void CompleteJoin()
    {
        Generation++;
        Version++;
        var now = time.GetTimestamp();
        if (_members.Count == 0)
        {
            State = GroupState.Empty;
            ProtocolName = null;
            LeaderId = null;
            ClassicGroupLog.Empty(logger, groupId, Generation);
            return;
        }

        ProtocolName = _members.SelectProtocol();
        if (LeaderId is null || !_members.Contains(LeaderId))
        {
            LeaderId = _members.InJoinOrder.First().MemberId;
        }

        State = GroupState.CompletingRebalance;
        _deadline = now + Ticks(_members.All.Max(m => m.RebalanceTimeout));
        ClassicGroupLog.JoinCompleted(logger, groupId, Generation, ProtocolName, LeaderId, _members.Count);
        foreach (var member in _members.All)
        {
            member.Assignment = [];
            member.LastHeard = now;
            member.AwaitingJoin?.TrySetResult(Joined(member, skipAssignment: false));
            member.AwaitingJoin = null;
        }
    }

    /// <summary>Removes a member; its waiting JoinGroup or SyncGroup is answered with <paramref name="error"/>.</summary>
    public void Remove(ClassicMember member, ErrorCode error)
    {
        _members.Remove(member);

        member.AwaitingJoin?.TrySetResult(JoinFailed(member.MemberId, error));
        member.AwaitingJoin = null;
        CompleteSync(member, SyncFailed(error));
        Version++;
    }

    /// <summary>The JoinGroup answer for a member of the current generation; the leader gets every member's metadata.</summary>
    public ClassicJoinResult Joined(ClassicMember member, bool skipAssignment)
    {
        var members = member.MemberId == LeaderId
            ? _members.InJoinOrder.Select(m => new ClassicJoinedMember(m.MemberId, m.InstanceId, m.MetadataFor(ProtocolName))).ToArray()
            : [];
        return new ClassicJoinResult(ErrorCode.None, Generation, ProtocolType, ProtocolName, LeaderId!, skipAssignment, member.MemberId, members);
    }

    /// <summary>The SyncGroup answer: the member's assignment in the current generation.</summary>
    public ClassicSyncResult Synced(ClassicMember member) => new(ErrorCode.None, ProtocolType, ProtocolName, member.Assignment);

    /// <summary>Answers the member's waiting SyncGroup, if any.</summary>
    public static void CompleteSync(ClassicMember member, ClassicSyncResult result)
    {
        member.AwaitingSync?.TrySetResult(result);
        member.AwaitingSync = null;
    }

    /// <summary>A JoinGroup answer that reports <paramref name="error"/>.</summary>
    public static ClassicJoinResult JoinFailed(string memberId, ErrorCode error) => new(error, -1, null, null, "", false, memberId, []);

    /// <summary>A SyncGroup answer that reports <paramref name="error"/>.</summary>
    public static ClassicSyncResult SyncFailed(ErrorCode error) => new(error, null, null, []);

    /// <summary><paramref name="span"/> in <see cref="TimeProvider"/> timestamp units.</summary>
    public long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
}
