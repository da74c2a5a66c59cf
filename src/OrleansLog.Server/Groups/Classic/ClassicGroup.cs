using Microsoft.Extensions.Logging;
using OrleansLog.Errors;
using ErrorCode = OrleansLog.Errors.ErrorCode;
using OrleansLog.Groups.Classic;

namespace OrleansLog.Groups;

/// <summary>
/// Kafka's classic group protocol for one group, as Kafka's group coordinator runs it: JoinGroup with the member id handshake
/// (MEMBER_ID_REQUIRED) and static members (<c>group.instance.id</c>) that keep their place across a restart, SyncGroup, Heartbeat,
/// LeaveGroup, sessions, and the fencing of commits. Who is a member is kept in <see cref="ClassicMembers"/>; when a generation begins
/// and ends (the join barrier, protocol vote, leader, assignment) in <see cref="ClassicRebalance"/>. Metadata and assignments are the
/// clients' opaque bytes. Plain and synchronous, with time from a <see cref="TimeProvider"/>: a JoinGroup or SyncGroup that must wait
/// gets a task that a later call (or <see cref="Tick"/>) completes. <see cref="Version"/> grows with every change to persist.
/// </summary>
internal sealed class ClassicGroup
{
    private static readonly TimeSpan MinSessionTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxSessionTimeout = TimeSpan.FromMinutes(30);

    private readonly string _groupId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private readonly ClassicMembers _members = new();
    private readonly ClassicRebalance _rebalance;

    /// <summary>Creates an empty group.</summary>
    public ClassicGroup(string groupId, TimeSpan initialRebalanceDelay, TimeProvider time, ILogger logger)
    {
        _groupId = groupId;
        _time = time;
        _logger = logger;
        _rebalance = new ClassicRebalance(groupId, initialRebalanceDelay, _members, time, logger);
    }

    /// <summary>Where the group is in Kafka's classic state machine.</summary>
    public GroupState State => _rebalance.State;

    /// <summary>The current generation.</summary>
    public int Generation => _rebalance.Generation;

    /// <summary>The members' protocol type (<c>consumer</c> for consumers), or null before the first member.</summary>
    public string? ProtocolType => _rebalance.ProtocolType;

    /// <summary>The assignment protocol of the generation, or null.</summary>
    public string? ProtocolName => _rebalance.ProtocolName;

    /// <summary>The member that computes the generation's assignment, or null.</summary>
    public string? LeaderId => _rebalance.LeaderId;

    /// <summary>How many members the group has.</summary>
    public int MemberCount => _members.Count;

    /// <summary>Grows with every change that must be persisted.</summary>
    public long Version => _rebalance.Version;

    /// <summary>Takes over a persisted group; members get a full session from now, and a group caught mid-rebalance rebalances again.</summary>
    public void Restore(ClassicGroupState? state)
    {
        if (state is not null)
        {
            _members.Restore(state.Members, _time.GetTimestamp());
            _rebalance.Restore(state);
        }
    }

    /// <summary>A copy of the durable part to persist.</summary>
    public ClassicGroupState Snapshot() => new()
    {
        Generation = Generation,
        ProtocolType = ProtocolType,
        ProtocolName = ProtocolName,
        LeaderId = LeaderId,
        Stable = State == GroupState.Stable,
        Members = _members.Snapshot(),
    };

    /// <summary>Forgets everything (the group was deleted).</summary>
    public void Reset()
    {
        _members.Clear();
        _rebalance.Reset();
    }

    /// <summary>Handles a JoinGroup; the task completes when the barrier does, or at once for an error or a rejoin that changes nothing.</summary>
    public Task<ClassicJoinResult> Join(ClassicJoinRequest request)
    {
        if (request.SessionTimeout < MinSessionTimeout || request.SessionTimeout > MaxSessionTimeout)
        {
            return Failed(request.MemberId, ErrorCode.InvalidSessionTimeout);
        }

        if (request.ProtocolType.Length == 0 || request.Protocols.Length == 0 || !_members.Supports(request, ProtocolType))
        {
            ClassicGroupLog.InconsistentProtocol(_logger, _groupId, request.MemberId, request.ProtocolType, string.Join(",", request.Protocols.Select(p => p.Name)));
            return Failed(request.MemberId, ErrorCode.InconsistentGroupProtocol);
        }

        if (request.MemberId.Length == 0)
        {
            return request.InstanceId is null ? JoinNewDynamic(request) : JoinStatic(request);
        }

        if (_members.RemovePending(request.MemberId))
        {
            return Add(request, request.MemberId);
        }

        if (!_members.TryGet(request.MemberId, out var member))
        {
            return request.InstanceId is not null && _members.HolderOf(request.InstanceId) is not null
                ? Failed(request.MemberId, ErrorCode.FencedInstanceId)
                : Failed(request.MemberId, ErrorCode.UnknownMemberId);
        }

        if (request.InstanceId is not null && _members.HolderOf(request.InstanceId) != request.MemberId)
        {
            return Failed(request.MemberId, ErrorCode.FencedInstanceId);
        }

        member.LastHeard = _time.GetTimestamp();
        return Rejoin(member, request);
    }

    /// <summary>Handles a SyncGroup; the task completes when the leader's assignment is in, or at once.</summary>
    public Task<ClassicSyncResult> Sync(ClassicSyncRequest request)
    {
        var error = Check(request.MemberId, request.InstanceId, request.Generation);
        if (error != ErrorCode.None)
        {
            return Task.FromResult(ClassicRebalance.SyncFailed(error));
        }

        if ((request.ProtocolType is not null && request.ProtocolType != ProtocolType) || (request.ProtocolName is not null && request.ProtocolName != ProtocolName))
        {
            return Task.FromResult(ClassicRebalance.SyncFailed(ErrorCode.InconsistentGroupProtocol));
        }

        var member = _members[request.MemberId];
        member.LastHeard = _time.GetTimestamp();
        switch (State)
        {
            case GroupState.PreparingRebalance:
                return Task.FromResult(ClassicRebalance.SyncFailed(ErrorCode.RebalanceInProgress));
            case GroupState.Stable:
                return Task.FromResult(_rebalance.Synced(member));
        }

        member.AwaitingSync ??= new(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = member.AwaitingSync.Task;
        if (request.MemberId == LeaderId)
        {
            _rebalance.Assign(request.Assignments);
        }

        return waiting;
    }

    /// <summary>Handles a Heartbeat: None, RebalanceInProgress (rejoin), or why the member may not heartbeat.</summary>
    public ErrorCode Heartbeat(string memberId, string? instanceId, int generation)
    {
        var error = Check(memberId, instanceId, generation);
        if (error != ErrorCode.None)
        {
            return error;
        }

        _members[memberId].LastHeard = _time.GetTimestamp();
        return State == GroupState.PreparingRebalance ? ErrorCode.RebalanceInProgress : ErrorCode.None;
    }

    /// <summary>Handles a LeaveGroup: removes each member at once (by member id, or by instance id for a static member) and rebalances.</summary>
    public ClassicLeaveResult[] Leave(ClassicLeavingMember[] leaving)
    {
        var results = new ClassicLeaveResult[leaving.Length];
        var removed = false;
        for (var i = 0; i < leaving.Length; i++)
        {
            var (memberId, instanceId) = (leaving[i].MemberId, leaving[i].InstanceId);
            var error = ErrorCode.None;
            if (instanceId is not null)
            {
                if (_members.HolderOf(instanceId) is not { } current)
                {
                    error = ErrorCode.UnknownMemberId;
                }
                else if (memberId.Length > 0 && memberId != current)
                {
                    error = ErrorCode.FencedInstanceId;
                }
                else
                {
                    memberId = current;
                }
            }
            else if (_members.RemovePending(memberId))
            {
                results[i] = new ClassicLeaveResult(memberId, instanceId, ErrorCode.None);
                continue;
            }
            else if (!_members.Contains(memberId))
            {
                error = ErrorCode.UnknownMemberId;
            }

            if (error == ErrorCode.None)
            {
                _rebalance.Remove(_members[memberId], ErrorCode.UnknownMemberId);
                ClassicGroupLog.Left(_logger, _groupId, memberId, instanceId);
                removed = true;
            }

            results[i] = new ClassicLeaveResult(memberId, instanceId, error);
        }

        if (removed)
        {
            _rebalance.MembershipChanged("members left");
        }

        return results;
    }

    /// <summary>
    /// Fences a Kafka commit: generation -1 from outside the group is allowed while the group is empty; otherwise the member must be known,
    /// in the current generation, and the group not waiting for its assignment. Throws the matching <see cref="OrleansLogException"/>.
    /// </summary>
    public void CheckCommit(string memberId, string? instanceId, int generation)
    {
        if (generation < 0 && memberId.Length == 0 && _members.Count == 0)
        {
            return;
        }

        if (State == GroupState.CompletingRebalance && _members.Contains(memberId))
        {
            throw new RebalanceInProgressException($"Group '{_groupId}' is waiting for its leader's assignment of generation {Generation}; rejoin and commit under the new generation.");
        }

        switch (Check(memberId, instanceId, generation))
        {
            case ErrorCode.UnknownMemberId:
                throw new UnknownMemberException(memberId.Length == 0
                    ? $"Group '{_groupId}' has {_members.Count} members, so a commit from outside it (no member id, generation {generation}) is refused; join the group or stop its consumers first."
                    : $"Group '{_groupId}' has no member '{memberId}' (it left or its session expired); rejoin the group and commit again.");
            case ErrorCode.FencedInstanceId:
                throw new FencedInstanceIdException($"Member '{memberId}' of group '{_groupId}' was replaced by a newer member with group.instance.id '{instanceId}'; close this consumer.");
            case ErrorCode.IllegalGeneration:
                throw new IllegalGenerationException($"Member '{memberId}' of group '{_groupId}' committed under generation {generation}, but the group is at generation {Generation}; rejoin and commit again.");
        }
    }

    /// <summary>
    /// Expires silent members and pending member ids, and closes a join barrier or an assignment wait whose _time is up. True when anything
    /// changed.
    /// </summary>
    public bool Tick()
    {
        var before = Version;
        var now = _time.GetTimestamp();
        _members.ExpirePending(now);

        var expired = false;
        foreach (var member in _members.All.ToArray())
        {
            if (member.AwaitingJoin is null && member.AwaitingSync is null && _time.GetElapsedTime(member.LastHeard, now) >= member.SessionTimeout)
            {
                ClassicGroupLog.Expired(_logger, _groupId, member.MemberId, member.InstanceId, (long)member.SessionTimeout.TotalMilliseconds);
                _rebalance.Remove(member, ErrorCode.UnknownMemberId);
                expired = true;
            }
        }

        // The leader among them, perhaps.
        expired |= _rebalance.RemoveUnsynced(now);

        if (expired)
        {
            _rebalance.MembershipChanged("members expired");
        }
        else
        {
            _rebalance.TryCompleteJoin();
        }

        return Version != before;
    }

    /// <summary>The topics the members subscribe to, read from their consumer protocol metadata.</summary>
    public HashSet<string> SubscribedTopics() => _members.SubscribedTopics(ProtocolType, ProtocolName);

    /// <summary>The members as describe shows them; topics and partitions are read from consumer protocol bytes.</summary>
    public GroupMemberDescription[] DescribeMembers() => _members.Describe(ProtocolType, ProtocolName);

    private Task<ClassicJoinResult> JoinNewDynamic(ClassicJoinRequest request)
    {
        var memberId = NewMemberId(request.ClientId);
        if (request.RequireKnownMemberId)
        {
            // KIP-394: the member comes back with this id; until then it holds up no rebalance.
            _members.AddPending(memberId, _time.GetTimestamp() + _rebalance.Ticks(request.SessionTimeout));
            return Failed(memberId, ErrorCode.MemberIdRequired);
        }

        return Add(request, memberId);
    }

    private Task<ClassicJoinResult> JoinStatic(ClassicJoinRequest request)
    {
        if (_members.HolderOf(request.InstanceId!) is not { } oldId)
        {
            return Add(request, NewMemberId(request.InstanceId!));
        }

        // The same instance restarted: it takes its old place under a new member id, and the old id is fenced.
        var member = _members[oldId];
        member.AwaitingJoin?.TrySetResult(ClassicRebalance.JoinFailed(oldId, ErrorCode.FencedInstanceId));
        member.AwaitingJoin = null;
        member.AwaitingSync?.TrySetResult(ClassicRebalance.SyncFailed(ErrorCode.FencedInstanceId));
        member.AwaitingSync = null;
        _members.Rename(member, NewMemberId(request.InstanceId!));
        member.ClientId = request.ClientId;
        member.ClientHost = request.ClientHost;
        member.SessionTimeout = request.SessionTimeout;
        member.RebalanceTimeout = request.RebalanceTimeout;
        member.LastHeard = _time.GetTimestamp();
        _rebalance.MemberRenamed(oldId, member.MemberId);
        ClassicGroupLog.StaticRejoined(_logger, _groupId, request.InstanceId!, oldId, member.MemberId);
        if (State == GroupState.Stable && member.SameProtocols(request.Protocols))
        {
            // Nothing changed but the member id: no rebalance (KIP-345). A leader is told to keep the assignment (KIP-814).
            return Task.FromResult(_rebalance.Joined(member, skipAssignment: member.MemberId == LeaderId));
        }

        member.Protocols = request.Protocols;
        return _rebalance.AwaitRebalance(member, "static member rejoined with new metadata");
    }

    private Task<ClassicJoinResult> Add(ClassicJoinRequest request, string memberId)
    {
        var member = new ClassicMember
        {
            MemberId = memberId,
            InstanceId = request.InstanceId,
            ClientId = request.ClientId,
            ClientHost = request.ClientHost,
            SessionTimeout = request.SessionTimeout,
            RebalanceTimeout = request.RebalanceTimeout,
            Protocols = request.Protocols,
            LastHeard = _time.GetTimestamp(),
        };
        _members.Add(member);

        _rebalance.MemberAdded(request.ProtocolType);
        ClassicGroupLog.Joined(_logger, _groupId, memberId, request.InstanceId, request.ClientId, request.Reason);

        return _rebalance.AwaitRebalance(member, "member joined");
    }

    private Task<ClassicJoinResult> Rejoin(ClassicMember member, ClassicJoinRequest request)
    {
        var same = member.SameProtocols(request.Protocols);
        member.ClientId = request.ClientId;
        member.ClientHost = request.ClientHost;
        member.SessionTimeout = request.SessionTimeout;
        member.RebalanceTimeout = request.RebalanceTimeout;
        if (member.AwaitingJoin is { } awaiting)
        {
            // A retried JoinGroup while the barrier is open shares the first one's answer.
            member.Protocols = request.Protocols;
            return awaiting.Task;
        }

        switch (State)
        {
            case GroupState.CompletingRebalance when same:
            case GroupState.Stable when same && member.MemberId != LeaderId:
                // A follower that rejoins with unchanged metadata gets the current generation again (Kafka does the same).
                return Task.FromResult(_rebalance.Joined(member, skipAssignment: false));
        }

        member.Protocols = request.Protocols;
        _rebalance.Touch();
        return _rebalance.AwaitRebalance(member, same ? "the leader rejoined" : "a member's metadata changed");
    }

    private ErrorCode Check(string memberId, string? instanceId, int generation)
    {
        var error = _members.Check(memberId, instanceId);
        return error == ErrorCode.None && generation != Generation ? ErrorCode.IllegalGeneration : error;
    }

    private static Task<ClassicJoinResult> Failed(string memberId, ErrorCode error) => Task.FromResult(ClassicRebalance.JoinFailed(memberId, error));

    private static string NewMemberId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
