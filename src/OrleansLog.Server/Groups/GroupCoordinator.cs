using Microsoft.Extensions.Logging;
using OrleansLog.Errors;
using OrleansLog.Topics;

namespace OrleansLog.Groups;

/// <summary>
/// The membership state machine of one consumer group: members and their sessions, generations, server-side assignment (KIP-848 style)
/// and cooperative hand-over. A partition enters a member's owned set only when no other member owns it, and leaves it only when that
/// member reports it revoked or is removed, so no partition ever has two owners. Plain and synchronous, with time from a
/// <see cref="TimeProvider"/>, so unit tests drive it without a cluster; the grain that hosts it persists it and long-polls on it.
/// </summary>
internal sealed partial class GroupCoordinator(string groupId, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan MinSessionTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxSessionTimeout = TimeSpan.FromMinutes(30);

    private readonly Dictionary<string, GroupMemberState> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _revokeRequestedAt = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fencedMembers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _partitionCounts = new(StringComparer.Ordinal);

    /// <summary>The current generation; every rebalance starts a new one.</summary>
    public int Generation { get; private set; }

    /// <summary>The assignor the group uses; chosen by the first member of an empty group.</summary>
    public string Assignor { get; private set; } = PartitionAssignors.Default;

    /// <summary>How many members the group has.</summary>
    public int MemberCount => _members.Count;

    /// <summary>Takes over the persisted membership; each member gets a full session from now, since its last heartbeat is unknown.</summary>
    public void Restore(ConsumerGroupState state)
    {
        Generation = state.Generation;
        Assignor = state.Assignor;
        var now = time.GetTimestamp();
        foreach (var member in state.Members)
        {
            _members[member.MemberId] = member.Clone();
            _lastSeen[member.MemberId] = now;
        }
    }

    /// <summary>A copy of the membership to persist, which later changes do not touch.</summary>
    public ConsumerGroupState Snapshot(bool exists) => new()
    {
        Exists = exists,
        Generation = Generation,
        Assignor = Assignor,
        Members = [.. _members.Values.Select(m => m.Clone())],
    };

    /// <summary>Forgets everything (the group was deleted); the next member starts at generation 1 again.</summary>
    public void Reset()
    {
        _members.Clear();
        _lastSeen.Clear();
        _revokeRequestedAt.Clear();
        _fencedMembers.Clear();
        Generation = 0;
        Assignor = PartitionAssignors.Default;
    }

    /// <summary>Checks a join request before anything changes; throws <see cref="InvalidRequestException"/> saying what is wrong.</summary>
    public static void ValidateJoin(JoinGroupRequest request)
    {
        if (request.Topics.Length == 0)
        {
            throw new InvalidRequestException("A consumer subscribes to at least one topic; Subscribe was given none.");
        }

        foreach (var topic in request.Topics)
        {
            TopicName.Validate(topic);
        }

        if (request.SessionTimeout < MinSessionTimeout || request.SessionTimeout > MaxSessionTimeout)
        {
            throw new InvalidRequestException($"session.timeout.ms of {request.SessionTimeout.TotalMilliseconds:0} ms is out of range; use {MinSessionTimeout.TotalMilliseconds:0} ms to {MaxSessionTimeout.TotalMinutes:0} minutes.");
        }

        if (request.RebalanceTimeout <= TimeSpan.Zero)
        {
            throw new InvalidRequestException($"The rebalance timeout must be positive; it is {request.RebalanceTimeout}.");
        }

        if (request.InstanceId is { Length: 0 })
        {
            throw new InvalidRequestException("group.instance.id is empty; leave it null for a dynamic member or give a non-empty id.");
        }

        PartitionAssignors.Get(request.Assignor);
    }

    /// <summary>
    /// Adds a member and returns its first assignment. A static member rejoining with the same subscription takes over its old place (and
    /// partitions) without a rebalance; any replaced member id is fenced.
    /// </summary>
    public MemberAssignment Join(JoinGroupRequest request)
    {
        ValidateJoin(request);
        GroupMemberState? replaced = null;
        if (request.InstanceId is not null)
        {
            replaced = _members.Values.FirstOrDefault(m => m.InstanceId == request.InstanceId);
        }

        var member = new GroupMemberState
        {
            MemberId = $"{(request.ClientId.Length == 0 ? "consumer" : request.ClientId)}-{Guid.NewGuid():N}",
            InstanceId = request.InstanceId,
            ClientId = request.ClientId,
            Host = request.Host,
            Topics = [.. request.Topics.Distinct(StringComparer.Ordinal)],
            SessionTimeout = request.SessionTimeout,
            RebalanceTimeout = request.RebalanceTimeout,
        };
        if (_members.Count == 0)
        {
            Assignor = PartitionAssignors.Get(request.Assignor).Name;
        }

        if (replaced is not null && replaced.Topics.SequenceEqual(member.Topics))
        {
            member.Target = replaced.Target;
            member.Owned = replaced.Owned;
            RemoveMember(replaced.MemberId);
            _fencedMembers.Add(replaced.MemberId);
            AddMember(member);
            LogStaticRejoin(groupId, member.InstanceId!, member.MemberId, Generation);
        }
        else
        {
            if (replaced is not null)
            {
                RemoveMember(replaced.MemberId);
                _fencedMembers.Add(replaced.MemberId);
            }

            AddMember(member);
            Rebalance("member joined");
        }

        return Assignment(member.MemberId);
    }

    /// <summary>
    /// Keeps the member's session alive and takes its report of the partitions it owns: owned partitions outside its target that it no
    /// longer reports are revoked and can move on. True when the membership changed and must be persisted.
    /// </summary>
    public bool Heartbeat(string memberId, TopicPartition[] ownedPartitions)
    {
        var member = GetMember(memberId);
        _lastSeen[memberId] = time.GetTimestamp();
        var changed = member.Departed;
        member.Departed = false;
        if (member.Owned.RemoveAll(p => !member.Target.Contains(p) && Array.IndexOf(ownedPartitions, p) < 0) > 0)
        {
            Reconcile();
            changed = true;
        }

        return changed;
    }

    /// <summary>
    /// Removes the member at once so its partitions move. A static member keeps its place (Kafka's static membership), so a restart within
    /// the session timeout moves nothing. False when the member is unknown.
    /// </summary>
    public bool Leave(string memberId)
    {
        if (!_members.TryGetValue(memberId, out var member))
        {
            return false;
        }

        if (member.InstanceId is not null)
        {
            member.Departed = true;
        }
        else
        {
            RemoveMember(memberId);
            Rebalance("member left");
        }

        return true;
    }

    /// <summary>What the member may consume now: the owned partitions that are also in its target, and whether a hand-over is pending.</summary>
    public MemberAssignment Assignment(string memberId)
    {
        var member = GetMember(memberId);
        var partitions = new List<TopicPartition>(member.Owned.Count);
        foreach (var partition in member.Owned)
        {
            if (member.Target.Contains(partition))
            {
                partitions.Add(partition);
            }
        }

        partitions.Sort();
        return new MemberAssignment(member.MemberId, Generation, [.. partitions], partitions.Count != member.Target.Count || partitions.Count != member.Owned.Count);
    }

    /// <summary>
    /// Fences a member's commit: the member must exist, be in the current generation and own every partition it commits. Throws
    /// <see cref="UnknownMemberException"/>, <see cref="FencedInstanceIdException"/> or <see cref="IllegalGenerationException"/>.
    /// </summary>
    public void CheckMemberCommit(string memberId, int generation, CommittedOffset[] offsets)
    {
        var member = GetMember(memberId);
        if (generation != Generation)
        {
            throw new IllegalGenerationException(
                $"Commit from member '{memberId}' of group '{groupId}' carries generation {generation}, but the group is at generation {Generation}; heartbeat to refresh the assignment, then commit again.");
        }

        foreach (var offset in offsets)
        {
            if (!member.Owned.Contains(offset.TopicPartition))
            {
                throw new IllegalGenerationException(
                    $"Member '{memberId}' of group '{groupId}' does not own {offset.TopicPartition} in generation {Generation}; only a partition's owner may commit its offset.");
            }
        }
    }

    /// <summary>Fences a commit from a consumer outside the group (one that assigns its partitions itself): only an empty group takes it.</summary>
    public void CheckStandaloneCommit()
    {
        if (_members.Count > 0)
        {
            throw new UnknownMemberException(
                $"Group '{groupId}' has {_members.Count} active members; a commit from outside the group is accepted only while the group is empty. Subscribe to join the group, or use another group id.");
        }
    }

    /// <summary>Throws <see cref="GroupNotEmptyException"/> while the group has members; <paramref name="operation"/> says what was refused.</summary>
    public void EnsureEmpty(string operation)
    {
        if (_members.Count > 0)
        {
            throw new GroupNotEmptyException(
                $"Cannot {operation} group '{groupId}' while it has {_members.Count} members ({string.Join(", ", _members.Keys)}); close its consumers (or wait for their sessions to expire) and try again.");
        }
    }

    /// <summary>
    /// Removes members whose session passed without a heartbeat, or who took longer than their rebalance timeout to revoke partitions,
    /// and rebalances. True when anyone was removed.
    /// </summary>
    public bool ExpireMembers()
    {
        List<string>? expired = null;
        foreach (var member in _members.Values)
        {
            var silentFor = time.GetElapsedTime(_lastSeen[member.MemberId]);
            var revokingFor = _revokeRequestedAt.TryGetValue(member.MemberId, out var since) ? time.GetElapsedTime(since) : TimeSpan.Zero;
            if (silentFor > member.SessionTimeout || revokingFor > member.RebalanceTimeout)
            {
                (expired ??= []).Add(member.MemberId);
                LogExpired(groupId, member.MemberId, (long)silentFor.TotalMilliseconds, (long)revokingFor.TotalMilliseconds);
            }
        }

        if (expired is null)
        {
            return false;
        }

        foreach (var memberId in expired)
        {
            RemoveMember(memberId);
        }

        Rebalance("member expired");
        return true;
    }

    /// <summary>The topics the members subscribe to.</summary>
    public HashSet<string> SubscribedTopics()
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in _members.Values)
        {
            topics.UnionWith(member.Topics);
        }

        return topics;
    }

    /// <summary>Takes the partition counts read for <paramref name="topics"/> (0: the topic does not exist); true when any changed.</summary>
    public bool UpdatePartitionCounts(IReadOnlyList<string> topics, IReadOnlyList<int> counts)
    {
        var changed = false;
        for (var i = 0; i < topics.Count; i++)
        {
            if (counts[i] == 0)
            {
                changed |= _partitionCounts.Remove(topics[i]);
            }
            else if (!_partitionCounts.TryGetValue(topics[i], out var count) || count != counts[i])
            {
                _partitionCounts[topics[i]] = counts[i];
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Starts a new generation: recomputes every member's target with the group's assignor, then hands over what can move now.</summary>
    public void Rebalance(string reason)
    {
        Generation++;
        GroupMetrics.Rebalances.Add(1);
        var members = new List<AssignorMember>(_members.Count);
        foreach (var member in _members.Values)
        {
            members.Add(new AssignorMember(member.MemberId, member.InstanceId, member.Topics, member.Target));
        }

        var targets = PartitionAssignors.Get(Assignor).Assign(members, _partitionCounts);
        foreach (var (memberId, target) in targets)
        {
            _members[memberId].Target = target;
        }

        Reconcile();
        LogRebalanced(groupId, Generation, _members.Count, reason);
    }

    /// <summary>The group's state as Kafka's tools name it; <paramref name="exists"/> tells an empty group from one that never was.</summary>
    public GroupState State(bool exists)
    {
        if (_members.Count == 0)
        {
            return exists ? GroupState.Empty : GroupState.Dead;
        }

        foreach (var member in _members.Values)
        {
            if (member.Owned.Count != member.Target.Count || HasPendingRevocations(member))
            {
                return GroupState.Reconciling;
            }
        }

        return GroupState.Stable;
    }

    /// <summary>The members with their owned and target partitions, ordered by member id.</summary>
    public GroupMemberDescription[] DescribeMembers()
    {
        var members = new List<GroupMemberDescription>(_members.Count);
        foreach (var member in _members.Values)
        {
            members.Add(new GroupMemberDescription(member.MemberId, member.InstanceId, member.ClientId, member.Host, member.Topics, Sorted(member.Owned), Sorted(member.Target)));
        }

        members.Sort((a, b) => string.CompareOrdinal(a.MemberId, b.MemberId));
        return [.. members];
    }

    private GroupMemberState GetMember(string memberId)
    {
        if (_members.TryGetValue(memberId, out var member))
        {
            return member;
        }

        if (_fencedMembers.Contains(memberId))
        {
            throw new FencedInstanceIdException($"Member '{memberId}' of group '{groupId}' was replaced by a newer member with the same group.instance.id; close this consumer.");
        }

        throw new UnknownMemberException($"Group '{groupId}' has no member '{memberId}' (it left, or its session expired); rejoin the group.");
    }

    private void AddMember(GroupMemberState member)
    {
        _members[member.MemberId] = member;
        _lastSeen[member.MemberId] = time.GetTimestamp();
    }

    private void RemoveMember(string memberId)
    {
        _members.Remove(memberId);
        _lastSeen.Remove(memberId);
        _revokeRequestedAt.Remove(memberId);
    }

    // Grants each member the target partitions nobody owns; notes when members were first asked to revoke (for the rebalance timeout).
    private void Reconcile()
    {
        var owners = new Dictionary<TopicPartition, string>();
        foreach (var member in _members.Values)
        {
            foreach (var partition in member.Owned)
            {
                owners[partition] = member.MemberId;
            }
        }

        var now = time.GetTimestamp();
        foreach (var member in _members.Values)
        {
            foreach (var partition in member.Target)
            {
                if (owners.TryAdd(partition, member.MemberId))
                {
                    member.Owned.Add(partition);
                }
            }

            if (HasPendingRevocations(member))
            {
                _revokeRequestedAt.TryAdd(member.MemberId, now);
            }
            else
            {
                _revokeRequestedAt.Remove(member.MemberId);
            }
        }
    }

    private static bool HasPendingRevocations(GroupMemberState member)
    {
        foreach (var partition in member.Owned)
        {
            if (!member.Target.Contains(partition))
            {
                return true;
            }
        }

        return false;
    }

    private static TopicPartition[] Sorted(List<TopicPartition> partitions)
    {
        var sorted = partitions.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {GroupId} rebalanced to generation {Generation} with {Members} members: {Reason}")]
    private partial void LogRebalanced(string groupId, int generation, int members, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {GroupId}: static member {InstanceId} rejoined as {MemberId} in generation {Generation} without a rebalance")]
    private partial void LogStaticRejoin(string groupId, string instanceId, string memberId, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {GroupId}: removed member {MemberId} (silent for {SilentMs} ms, revoking for {RevokingMs} ms)")]
    private partial void LogExpired(string groupId, string memberId, long silentMs, long revokingMs);
}
