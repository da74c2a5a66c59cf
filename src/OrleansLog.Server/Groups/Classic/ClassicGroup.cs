using Microsoft.Extensions.Logging;
using OrleansLog.Errors;
using ErrorCode = OrleansLog.Errors.ErrorCode;
using OrleansLog.Groups.Classic;

namespace OrleansLog.Groups;

/// <summary>
/// Kafka's classic group protocol for one group, as Kafka's group coordinator runs it: the join barrier (every known member rejoins,
/// or the rebalance timeout removes the missing ones), the member id handshake (MEMBER_ID_REQUIRED), protocol choice by vote among
/// the protocols every member supports, leader election, the leader's assignment relayed in SyncGroup, sessions, and static members
/// (<c>group.instance.id</c>) that keep their place across a restart. Metadata and assignments are the clients' opaque bytes.
/// Plain and synchronous, with time from a <see cref="TimeProvider"/>: a JoinGroup or SyncGroup that must wait gets a task that a later
/// call (or <see cref="Tick"/>) completes. <see cref="Version"/> grows with every change to persist.
/// </summary>
internal sealed partial class ClassicGroup(string groupId, TimeSpan initialRebalanceDelay, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan MinSessionTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxSessionTimeout = TimeSpan.FromMinutes(30);

    private readonly Dictionary<string, ClassicMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byInstance = new(StringComparer.Ordinal);

    // Member ids handed out with MEMBER_ID_REQUIRED, and until when each may come back with it.
    private readonly Dictionary<string, long> _pending = new(StringComparer.Ordinal);
    private long _joinOrder;
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

    /// <summary>How many members the group has.</summary>
    public int MemberCount => _members.Count;

    /// <summary>Grows with every change that must be persisted.</summary>
    public long Version { get; private set; }

    /// <summary>Takes over a persisted group; members get a full session from now, and a group caught mid-rebalance rebalances again.</summary>
    public void Restore(ClassicGroupState? state)
    {
        if (state is null)
        {
            return;
        }

        Generation = state.Generation;
        ProtocolType = state.ProtocolType;
        ProtocolName = state.ProtocolName;
        LeaderId = state.LeaderId;
        var now = time.GetTimestamp();
        foreach (var member in state.Members)
        {
            member.LastHeard = now;
            _members[member.MemberId] = member;
            if (member.InstanceId is not null)
            {
                _byInstance[member.InstanceId] = member.MemberId;
            }

            _joinOrder = Math.Max(_joinOrder, member.JoinOrder);
        }

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

    /// <summary>A copy of the durable part to persist.</summary>
    public ClassicGroupState Snapshot() => new()
    {
        Generation = Generation,
        ProtocolType = ProtocolType,
        ProtocolName = ProtocolName,
        LeaderId = LeaderId,
        Stable = State == GroupState.Stable,
        Members = [.. _members.Values.Select(m => m.Clone())],
    };

    /// <summary>Forgets everything (the group was deleted).</summary>
    public void Reset()
    {
        _members.Clear();
        _byInstance.Clear();
        _pending.Clear();
        State = GroupState.Empty;
        Generation = 0;
        ProtocolType = null;
        ProtocolName = null;
        LeaderId = null;
        Version++;
    }

    /// <summary>Handles a JoinGroup; the task completes when the barrier does, or at once for an error or a rejoin that changes nothing.</summary>
    public Task<ClassicJoinResult> Join(ClassicJoinRequest request)
    {
        if (request.SessionTimeout < MinSessionTimeout || request.SessionTimeout > MaxSessionTimeout)
        {
            return Failed(request.MemberId, ErrorCode.InvalidSessionTimeout);
        }

        if (request.ProtocolType.Length == 0 || request.Protocols.Length == 0 || !SupportsProtocols(request))
        {
            LogInconsistentProtocol(groupId, request.MemberId, request.ProtocolType, string.Join(",", request.Protocols.Select(p => p.Name)));
            return Failed(request.MemberId, ErrorCode.InconsistentGroupProtocol);
        }

        if (request.MemberId.Length == 0)
        {
            return request.InstanceId is null ? JoinNewDynamic(request) : JoinStatic(request);
        }

        if (_pending.Remove(request.MemberId))
        {
            return Add(request, request.MemberId);
        }

        if (!_members.TryGetValue(request.MemberId, out var member))
        {
            return request.InstanceId is not null && _byInstance.ContainsKey(request.InstanceId)
                ? Failed(request.MemberId, ErrorCode.FencedInstanceId)
                : Failed(request.MemberId, ErrorCode.UnknownMemberId);
        }

        if (request.InstanceId is not null && _byInstance.GetValueOrDefault(request.InstanceId) != request.MemberId)
        {
            return Failed(request.MemberId, ErrorCode.FencedInstanceId);
        }

        member.LastHeard = time.GetTimestamp();
        return Rejoin(member, request);
    }

    /// <summary>Handles a SyncGroup; the task completes when the leader's assignment is in, or at once.</summary>
    public Task<ClassicSyncResult> Sync(ClassicSyncRequest request)
    {
        var error = Check(request.MemberId, request.InstanceId, request.Generation);
        if (error != ErrorCode.None)
        {
            return Task.FromResult(SyncFailed(error));
        }

        if ((request.ProtocolType is not null && request.ProtocolType != ProtocolType) || (request.ProtocolName is not null && request.ProtocolName != ProtocolName))
        {
            return Task.FromResult(SyncFailed(ErrorCode.InconsistentGroupProtocol));
        }

        var member = _members[request.MemberId];
        member.LastHeard = time.GetTimestamp();
        switch (State)
        {
            case GroupState.PreparingRebalance:
                return Task.FromResult(SyncFailed(ErrorCode.RebalanceInProgress));
            case GroupState.Stable:
                return Task.FromResult(Synced(member));
        }

        member.AwaitingSync ??= new(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = member.AwaitingSync.Task;
        if (request.MemberId == LeaderId)
        {
            var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var assignment in request.Assignments)
            {
                assignments[assignment.MemberId] = assignment.Assignment;
            }

            foreach (var each in _members.Values)
            {
                each.Assignment = assignments.GetValueOrDefault(each.MemberId) ?? [];
            }

            State = GroupState.Stable;
            Version++;
            GroupMetrics.Rebalances.Add(1);
            LogStable(groupId, Generation, ProtocolName, _members.Count);
            foreach (var each in _members.Values)
            {
                CompleteSync(each, Synced(each));
            }
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

        _members[memberId].LastHeard = time.GetTimestamp();
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
                if (!_byInstance.TryGetValue(instanceId, out var current))
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
            else if (_pending.Remove(memberId))
            {
                results[i] = new ClassicLeaveResult(memberId, instanceId, ErrorCode.None);
                continue;
            }
            else if (!_members.ContainsKey(memberId))
            {
                error = ErrorCode.UnknownMemberId;
            }

            if (error == ErrorCode.None)
            {
                Remove(_members[memberId], ErrorCode.UnknownMemberId);
                LogLeft(groupId, memberId, instanceId);
                removed = true;
            }

            results[i] = new ClassicLeaveResult(memberId, instanceId, error);
        }

        if (removed)
        {
            MembershipChanged("members left");
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

        if (State == GroupState.CompletingRebalance && _members.ContainsKey(memberId))
        {
            throw new RebalanceInProgressException($"Group '{groupId}' is waiting for its leader's assignment of generation {Generation}; rejoin and commit under the new generation.");
        }

        switch (Check(memberId, instanceId, generation))
        {
            case ErrorCode.UnknownMemberId:
                throw new UnknownMemberException(memberId.Length == 0
                    ? $"Group '{groupId}' has {_members.Count} members, so a commit from outside it (no member id, generation {generation}) is refused; join the group or stop its consumers first."
                    : $"Group '{groupId}' has no member '{memberId}' (it left or its session expired); rejoin the group and commit again.");
            case ErrorCode.FencedInstanceId:
                throw new FencedInstanceIdException($"Member '{memberId}' of group '{groupId}' was replaced by a newer member with group.instance.id '{instanceId}'; close this consumer.");
            case ErrorCode.IllegalGeneration:
                throw new IllegalGenerationException($"Member '{memberId}' of group '{groupId}' committed under generation {generation}, but the group is at generation {Generation}; rejoin and commit again.");
        }
    }

    /// <summary>
    /// Expires silent members and pending member ids, and closes a join barrier or an assignment wait whose time is up. True when anything
    /// changed.
    /// </summary>
    public bool Tick()
    {
        var before = Version;
        var now = time.GetTimestamp();
        foreach (var (memberId, until) in _pending.ToArray())
        {
            if (now >= until)
            {
                _pending.Remove(memberId);
            }
        }

        var expired = false;
        foreach (var member in _members.Values.ToArray())
        {
            if (member.AwaitingJoin is null && member.AwaitingSync is null && time.GetElapsedTime(member.LastHeard, now) >= member.SessionTimeout)
            {
                LogExpired(groupId, member.MemberId, member.InstanceId, (long)member.SessionTimeout.TotalMilliseconds);
                Remove(member, ErrorCode.UnknownMemberId);
                expired = true;
            }
        }

        if (State == GroupState.CompletingRebalance && now >= _deadline)
        {
            // Kafka's pending-sync timeout: members that never sent SyncGroup (the leader among them, perhaps) are removed.
            foreach (var member in _members.Values.ToArray())
            {
                if (member.AwaitingSync is null)
                {
                    LogExpired(groupId, member.MemberId, member.InstanceId, (long)member.RebalanceTimeout.TotalMilliseconds);
                    Remove(member, ErrorCode.UnknownMemberId);
                    expired = true;
                }
            }
        }

        if (expired)
        {
            MembershipChanged("members expired");
        }
        else
        {
            TryCompleteJoin();
        }

        return Version != before;
    }

    /// <summary>The topics the members subscribe to, read from their consumer protocol metadata.</summary>
    public HashSet<string> SubscribedTopics()
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        if (ProtocolType == "consumer")
        {
            foreach (var member in _members.Values)
            {
                topics.UnionWith(ConsumerProtocolBytes.Topics(member.MetadataFor(ProtocolName ?? member.Protocols.FirstOrDefault()?.Name)));
            }
        }

        return topics;
    }

    /// <summary>The members as describe shows them; topics and partitions are read from consumer protocol bytes.</summary>
    public GroupMemberDescription[] DescribeMembers()
    {
        var consumer = ProtocolType == "consumer";
        return [.. _members.Values.OrderBy(m => m.JoinOrder).Select(m =>
        {
            var metadata = m.MetadataFor(ProtocolName ?? m.Protocols.FirstOrDefault()?.Name);
            var assignment = consumer ? ConsumerProtocolBytes.Partitions(m.Assignment) : [];
            return new GroupMemberDescription(
                m.MemberId, m.InstanceId, m.ClientId, m.ClientHost, consumer ? ConsumerProtocolBytes.Topics(metadata) : [], assignment, assignment, metadata, m.Assignment);
        })];
    }

    private Task<ClassicJoinResult> JoinNewDynamic(ClassicJoinRequest request)
    {
        var memberId = NewMemberId(request.ClientId);
        if (request.RequireKnownMemberId)
        {
            // KIP-394: the member comes back with this id; until then it holds up no rebalance.
            _pending[memberId] = time.GetTimestamp() + (long)(request.SessionTimeout.TotalSeconds * time.TimestampFrequency);
            return Failed(memberId, ErrorCode.MemberIdRequired);
        }

        return Add(request, memberId);
    }

    private Task<ClassicJoinResult> JoinStatic(ClassicJoinRequest request)
    {
        if (!_byInstance.TryGetValue(request.InstanceId!, out var oldId))
        {
            return Add(request, NewMemberId(request.InstanceId!));
        }

        // The same instance restarted: it takes its old place under a new member id, and the old id is fenced.
        var member = _members[oldId];
        _members.Remove(oldId);
        member.AwaitingJoin?.TrySetResult(JoinFailed(oldId, ErrorCode.FencedInstanceId));
        member.AwaitingJoin = null;
        member.AwaitingSync?.TrySetResult(SyncFailed(ErrorCode.FencedInstanceId));
        member.AwaitingSync = null;
        member.MemberId = NewMemberId(request.InstanceId!);
        member.ClientId = request.ClientId;
        member.ClientHost = request.ClientHost;
        member.SessionTimeout = request.SessionTimeout;
        member.RebalanceTimeout = request.RebalanceTimeout;
        member.LastHeard = time.GetTimestamp();
        _members[member.MemberId] = member;
        _byInstance[request.InstanceId!] = member.MemberId;
        if (LeaderId == oldId)
        {
            LeaderId = member.MemberId;
        }

        Version++;
        LogStaticRejoined(groupId, request.InstanceId!, oldId, member.MemberId);
        if (State == GroupState.Stable && member.SameProtocols(request.Protocols))
        {
            // Nothing changed but the member id: no rebalance (KIP-345). A leader is told to keep the assignment (KIP-814).
            return Task.FromResult(Joined(member, skipAssignment: member.MemberId == LeaderId));
        }

        member.Protocols = request.Protocols;
        return AwaitRebalance(member, "static member rejoined with new metadata");
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
            JoinOrder = ++_joinOrder,
            LastHeard = time.GetTimestamp(),
        };
        _members[memberId] = member;
        if (request.InstanceId is not null)
        {
            _byInstance[request.InstanceId] = memberId;
        }

        if (_members.Count == 1)
        {
            ProtocolType = request.ProtocolType;
        }

        Version++;
        LogJoined(groupId, memberId, request.InstanceId, request.ClientId, request.Reason);
        if (State == GroupState.PreparingRebalance && _earliestCompletion > time.GetTimestamp())
        {
            // Kafka's initial rebalance delay: each member that arrives early gives the others a little longer, up to the rebalance timeout.
            _earliestCompletion = Math.Min(_deadline, time.GetTimestamp() + Ticks(initialRebalanceDelay));
        }

        return AwaitRebalance(member, "member joined");
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
                return Task.FromResult(Joined(member, skipAssignment: false));
        }

        member.Protocols = request.Protocols;
        Version++;
        return AwaitRebalance(member, same ? "the leader rejoined" : "a member's metadata changed");
    }

    private Task<ClassicJoinResult> AwaitRebalance(ClassicMember member, string reason)
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

    private void PrepareRebalance(string reason)
    {
        var now = time.GetTimestamp();
        if (State == GroupState.CompletingRebalance)
        {
            // The assignment being waited on is for a generation that will never be stable.
            foreach (var member in _members.Values)
            {
                CompleteSync(member, SyncFailed(ErrorCode.RebalanceInProgress));
            }
        }

        var rebalanceTimeout = _members.Count == 0 ? TimeSpan.Zero : _members.Values.Max(m => m.RebalanceTimeout);
        _rebalanceStarted = now;
        _deadline = now + Ticks(rebalanceTimeout);
        _earliestCompletion = State == GroupState.Empty ? Math.Min(_deadline, now + Ticks(initialRebalanceDelay)) : now;
        State = GroupState.PreparingRebalance;
        Version++;
        LogPreparingRebalance(groupId, Generation, reason, (long)rebalanceTimeout.TotalMilliseconds);
        TryCompleteJoin();
    }

    // After members left or expired: the rebalance they cause, or the end of the barrier they no longer hold up.
    private void MembershipChanged(string reason)
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

    private void TryCompleteJoin()
    {
        if (State != GroupState.PreparingRebalance)
        {
            return;
        }

        var now = time.GetTimestamp();
        var allJoined = _pending.Count == 0 && _members.Values.All(m => m.AwaitingJoin is not null);
        if (now >= _deadline)
        {
            foreach (var member in _members.Values.ToArray())
            {
                if (member.AwaitingJoin is null)
                {
                    LogMissedRebalance(groupId, member.MemberId, member.InstanceId, (long)time.GetElapsedTime(_rebalanceStarted, now).TotalMilliseconds);
                    Remove(member, ErrorCode.UnknownMemberId);
                }
            }

            _pending.Clear();
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
            LogEmpty(groupId, Generation);
            return;
        }

        ProtocolName = SelectProtocol();
        if (LeaderId is null || !_members.ContainsKey(LeaderId))
        {
            LeaderId = _members.Values.MinBy(m => m.JoinOrder)!.MemberId;
        }

        State = GroupState.CompletingRebalance;
        _deadline = now + Ticks(_members.Values.Max(m => m.RebalanceTimeout));
        LogJoinCompleted(groupId, Generation, ProtocolName, LeaderId, _members.Count);
        foreach (var member in _members.Values)
        {
            member.Assignment = [];
            member.LastHeard = now;
            member.AwaitingJoin?.TrySetResult(Joined(member, skipAssignment: false));
            member.AwaitingJoin = null;
        }
    }

    // Kafka's choice: among the protocols every member supports, the one most members list first of those.
    private string SelectProtocol()
    {
        HashSet<string>? candidates = null;
        foreach (var member in _members.Values)
        {
            var names = member.Protocols.Select(p => p.Name);
            if (candidates is null)
            {
                candidates = [.. names];
            }
            else
            {
                candidates.IntersectWith(names);
            }
        }

        var votes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var member in _members.Values.OrderBy(m => m.JoinOrder))
        {
            var choice = member.Protocols.First(p => candidates!.Contains(p.Name)).Name;
            votes[choice] = votes.GetValueOrDefault(choice) + 1;
        }

        return votes.MaxBy(v => v.Value).Key;
    }

    // Kafka's supportsProtocols: an empty group takes any; otherwise the type must match and one protocol must be common to all.
    private bool SupportsProtocols(ClassicJoinRequest request)
    {
        var others = _members.Values.Where(m => m.MemberId != request.MemberId && (request.InstanceId is null || m.InstanceId != request.InstanceId)).ToList();
        if (others.Count == 0)
        {
            return true;
        }

        if (request.ProtocolType != ProtocolType)
        {
            return false;
        }

        return request.Protocols.Any(p => others.All(m => m.Protocols.Any(q => q.Name == p.Name)));
    }

    private ErrorCode Check(string memberId, string? instanceId, int generation)
    {
        if (instanceId is not null && _byInstance.TryGetValue(instanceId, out var current) && current != memberId)
        {
            return ErrorCode.FencedInstanceId;
        }

        if (!_members.ContainsKey(memberId))
        {
            return ErrorCode.UnknownMemberId;
        }

        return generation != Generation ? ErrorCode.IllegalGeneration : ErrorCode.None;
    }

    private void Remove(ClassicMember member, ErrorCode error)
    {
        _members.Remove(member.MemberId);
        if (member.InstanceId is not null && _byInstance.GetValueOrDefault(member.InstanceId) == member.MemberId)
        {
            _byInstance.Remove(member.InstanceId);
        }

        member.AwaitingJoin?.TrySetResult(JoinFailed(member.MemberId, error));
        member.AwaitingJoin = null;
        CompleteSync(member, SyncFailed(error));
        Version++;
    }

    private ClassicJoinResult Joined(ClassicMember member, bool skipAssignment)
    {
        var members = member.MemberId == LeaderId
            ? _members.Values.OrderBy(m => m.JoinOrder).Select(m => new ClassicJoinedMember(m.MemberId, m.InstanceId, m.MetadataFor(ProtocolName))).ToArray()
            : [];
        return new ClassicJoinResult(ErrorCode.None, Generation, ProtocolType, ProtocolName, LeaderId!, skipAssignment, member.MemberId, members);
    }

    private ClassicSyncResult Synced(ClassicMember member) => new(ErrorCode.None, ProtocolType, ProtocolName, member.Assignment);

    private static void CompleteSync(ClassicMember member, ClassicSyncResult result)
    {
        member.AwaitingSync?.TrySetResult(result);
        member.AwaitingSync = null;
    }

    private static Task<ClassicJoinResult> Failed(string memberId, ErrorCode error) => Task.FromResult(JoinFailed(memberId, error));

    private static ClassicJoinResult JoinFailed(string memberId, ErrorCode error) => new(error, -1, null, null, "", false, memberId, []);

    private static ClassicSyncResult SyncFailed(ErrorCode error) => new(error, null, null, []);

    private static string NewMemberId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: member {MemberId} (instance {InstanceId}, client {ClientId}) joined: {Reason}")]
    private partial void LogJoined(string groupId, string memberId, string? instanceId, string clientId, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: static member {InstanceId} rejoined; member id {OldMemberId} is fenced, now {MemberId}")]
    private partial void LogStaticRejoined(string groupId, string instanceId, string oldMemberId, string memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: member {MemberId} (instance {InstanceId}) left")]
    private partial void LogLeft(string groupId, string memberId, string? instanceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: member {MemberId} (instance {InstanceId}) removed after {TimeoutMs} ms without a heartbeat or SyncGroup")]
    private partial void LogExpired(string groupId, string memberId, string? instanceId, long timeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: member {MemberId} (instance {InstanceId}) removed: it did not rejoin within {ElapsedMs} ms of the rebalance")]
    private partial void LogMissedRebalance(string groupId, string memberId, string? instanceId, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: rebalancing from generation {Generation} ({Reason}); waiting up to {TimeoutMs} ms for members to rejoin")]
    private partial void LogPreparingRebalance(string groupId, int generation, string reason, long timeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: generation {Generation} with protocol {Protocol}, leader {LeaderId}, {Members} members; waiting for the assignment")]
    private partial void LogJoinCompleted(string groupId, int generation, string protocol, string leaderId, int members);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: generation {Generation} is stable ({Protocol}, {Members} members)")]
    private partial void LogStable(string groupId, int generation, string? protocol, int members);

    [LoggerMessage(Level = LogLevel.Information, Message = "Classic group {GroupId}: empty at generation {Generation}")]
    private partial void LogEmpty(string groupId, int generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Classic group {GroupId}: member {MemberId} refused: protocol type {ProtocolType} with protocols [{Protocols}] does not match the group's members")]
    private partial void LogInconsistentProtocol(string groupId, string memberId, string protocolType, string protocols);
}
