using Microsoft.Extensions.Logging;
using OrleansLog.Errors;
using OrleansLog.Topics;

namespace OrleansLog.Groups;

/// <summary>
/// The membership state machine of one consumer group: joins, leaves and expiry, generations, server-side assignment (KIP-848 style)
/// and cooperative hand-over. A partition enters a member's owned set only when no other member owns it, and leaves it only when that
/// member reports it revoked or is removed, so no partition ever has two owners. The members and their session clocks live in
/// <see cref="GroupMembers"/>. Plain and synchronous, with time from a <see cref="TimeProvider"/>, so unit tests drive it without a
/// cluster; the grain that hosts it persists it and long-polls on it.
/// </summary>
internal sealed partial class GroupCoordinator(string groupId, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan MinSessionTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxSessionTimeout = TimeSpan.FromMinutes(30);

    private readonly GroupMembers _members = new(groupId, time);
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
        _members.Restore(state.Members);
    }

    /// <summary>A copy of the membership to persist, which later changes do not touch.</summary>
    public ConsumerGroupState Snapshot(bool exists) => new()
    {
        Exists = exists,
        Generation = Generation,
        Assignor = Assignor,
        Members = [.. _members.All.Select(m => m.Clone())],
    };

    /// <summary>Forgets everything (the group was deleted); the next member starts at generation 1 again.</summary>
    public void Reset()
    {
        _members.Clear();
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
            replaced = _members.FindByInstanceId(request.InstanceId);
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
            _members.Fence(replaced.MemberId);
            _members.Add(member);
            LogStaticRejoin(groupId, member.InstanceId!, member.MemberId, Generation);
        }
        else
        {
            if (replaced is not null)
            {
                _members.Fence(replaced.MemberId);
            }

            _members.Add(member);
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
        var member = _members.Get(memberId);
        _members.Seen(memberId);
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
        if (!_members.TryGet(memberId, out var member))
        {
            return false;
        }

        if (member.InstanceId is not null)
        {
            member.Departed = true;
        }
        else
        {
            _members.Remove(memberId);
            Rebalance("member left");
        }

        return true;
    }

    /// <summary>What the member may consume now: the owned partitions that are also in its target, and whether a hand-over is pending.</summary>
    public MemberAssignment Assignment(string memberId)
    {
        var member = _members.Get(memberId);
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
        var member = _members.Get(memberId);
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

    /// <summary>
    /// Fences a request a KIP-848 member makes under its member epoch (an offset fetch): the member must be in the group
    /// (<see cref="UnknownMemberException"/>) and its epoch, the group's generation, current (<see cref="StaleMemberEpochException"/>).
    /// </summary>
    public void CheckMemberEpoch(string memberId, int memberEpoch, string request)
    {
        _members.Get(memberId);
        if (memberEpoch != Generation)
        {
            throw new StaleMemberEpochException(
                $"{request} from member '{memberId}' of group '{groupId}' carries member epoch {memberEpoch}, but the group is at epoch {Generation}; heartbeat to refresh it, then ask again.");
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
                $"Cannot {operation} group '{groupId}' while it has {_members.Count} members ({string.Join(", ", _members.Ids)}); close its consumers (or wait for their sessions to expire) and try again.");
        }
    }

    /// <summary>
    /// Removes members whose session passed without a heartbeat, or who took longer than their rebalance timeout to revoke partitions,
    /// and rebalances. True when anyone was removed.
    /// </summary>
    public bool ExpireMembers()
    {
        if (_members.FindExpired() is not { } expired)
        {
            return false;
        }

        foreach (var member in expired)
        {
            LogExpired(groupId, member.MemberId, (long)member.SilentFor.TotalMilliseconds, (long)member.RevokingFor.TotalMilliseconds);
            _members.Remove(member.MemberId);
        }

        Rebalance("member expired");
        return true;
    }

    /// <summary>The topics the members subscribe to.</summary>
    public HashSet<string> SubscribedTopics()
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in _members.All)
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
        foreach (var member in _members.All)
        {
            members.Add(new AssignorMember(member.MemberId, member.InstanceId, member.Topics, member.Target));
        }

        var targets = PartitionAssignors.Get(Assignor).Assign(members, _partitionCounts);
        foreach (var (memberId, target) in targets)
        {
            _members.Get(memberId).Target = target;
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

        foreach (var member in _members.All)
        {
            if (member.Owned.Count != member.Target.Count || member.HasPendingRevocations())
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
        foreach (var member in _members.All)
        {
            members.Add(new GroupMemberDescription(member.MemberId, member.InstanceId, member.ClientId, member.Host, member.Topics, Sorted(member.Owned), Sorted(member.Target)));
        }

        members.Sort((a, b) => string.CompareOrdinal(a.MemberId, b.MemberId));
        return [.. members];
    }

    // Grants each member the target partitions nobody owns, then notes who is now asked to revoke (for the rebalance timeout).
    private void Reconcile()
    {
        var owners = new Dictionary<TopicPartition, string>();
        foreach (var member in _members.All)
        {
            foreach (var partition in member.Owned)
            {
                owners[partition] = member.MemberId;
            }
        }

        foreach (var member in _members.All)
        {
            foreach (var partition in member.Target)
            {
                if (owners.TryAdd(partition, member.MemberId))
                {
                    member.Owned.Add(partition);
                }
            }
        }

        _members.TrackRevocations();
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
