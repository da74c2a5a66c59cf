using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansLog.Errors;
using OrleansLog.Hosting;
using OrleansLog.Topics;

namespace OrleansLog.Groups;

/// <summary>
/// Coordinates one consumer group. Assignment is computed here (KIP-848 style) and handed over cooperatively: a partition enters a member's
/// owned set only when no other member owns it, and leaves it only when that member reports it revoked or is removed, so no partition ever
/// has two owners. The grain is reentrant (heartbeats long-poll); every mutation runs synchronously within one turn, and state writes are
/// coalesced: one write in flight, everything changed meanwhile goes in the next.
/// </summary>
[Reentrant]
internal sealed partial class ConsumerGroupGrain(
    [PersistentState("group", OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<ConsumerGroupState> state,
    IOptions<ConsumerGroupOptions> options,
    ILogger<ConsumerGroupGrain> logger) : Grain, IConsumerGroupGrain
{
    private const int MaxMetadataLength = 4096;
    private static readonly TimeSpan MinSessionTimeout = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxSessionTimeout = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan MaxHeartbeatWait = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, GroupMemberState> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<GroupPartition, CommittedOffset> _offsets = [];
    private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _revokeRequestedAt = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fencedMembers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _partitionCounts = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _exists;
    private int _generation;
    private string _assignor = PartitionAssignors.Default;
    private long _dirtyVersion;
    private long _writtenVersion;
    private Task? _write;
    private long _lastMetadataRefresh;

    private string GroupIdValue => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _exists = state.State.Exists;
        _generation = state.State.Generation;
        _assignor = state.State.Assignor;
        var now = Environment.TickCount64;
        foreach (var member in state.State.Members)
        {
            _members[member.MemberId] = member.Clone();

            // A new activation cannot know when members last heartbeat: give each a full session to reach it.
            _lastSeen[member.MemberId] = now;
        }

        foreach (var offset in state.State.Offsets)
        {
            _offsets[offset.GroupPartition] = offset;
        }

        if (_members.Count > 0)
        {
            await RefreshMetadataAsync();
        }

        this.RegisterGrainTimer(CheckMembersAsync, new GrainTimerCreationOptions
        {
            DueTime = options.Value.ExpiryCheckInterval,
            Period = options.Value.ExpiryCheckInterval,
            Interleave = true,
            KeepAlive = false,
        });
    }

    public async Task<MemberAssignment> JoinAsync(JoinGroupRequest request)
    {
        GroupId.Validate(GroupIdValue);
        ValidateJoin(request);
        var assignor = PartitionAssignors.Get(request.Assignor);
        await RefreshMetadataAsync(request.Topics);

        GroupMemberState? replaced = null;
        if (request.InstanceId is not null)
        {
            foreach (var existing in _members.Values)
            {
                if (existing.InstanceId == request.InstanceId)
                {
                    replaced = existing;
                    break;
                }
            }
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
            _assignor = assignor.Name;
        }

        var firstUse = !_exists;
        _exists = true;
        if (replaced is not null && replaced.Topics.SequenceEqual(member.Topics))
        {
            // A static member rejoining takes over its old place (and partitions) without a rebalance; the old member id is fenced.
            member.Target = replaced.Target;
            member.Owned = replaced.Owned;
            RemoveMember(replaced.MemberId);
            _fencedMembers.Add(replaced.MemberId);
            AddMember(member);
            LogStaticRejoin(GroupIdValue, member.InstanceId!, member.MemberId, _generation);
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

        await PersistAsync();
        SignalChanged();
        if (firstUse)
        {
            await GrainFactory.GetGrain<IGroupCatalogGrain>(0).AddAsync(GroupIdValue);
        }

        return Respond(member);
    }

    public async Task<MemberAssignment> HeartbeatAsync(string memberId, GroupPartition[] ownedPartitions, TimeSpan maxWait)
    {
        var member = GetMember(memberId);
        _lastSeen[memberId] = Environment.TickCount64;
        member.Departed = false;
        if (AcknowledgeRevocations(member, ownedPartitions))
        {
            Reconcile();
            await PersistAsync();
            SignalChanged();
        }

        var response = Respond(GetMember(memberId));
        if (maxWait > TimeSpan.Zero && SameSet(response.Partitions, ownedPartitions))
        {
            // Nothing for the member to do: wait for the group to change (or the heartbeat interval to pass), well within the call's response timeout.
            var changed = _changed.Task;
            await Task.WhenAny(changed, Task.Delay(maxWait < MaxHeartbeatWait ? maxWait : MaxHeartbeatWait));
            await PersistAsync();
            response = Respond(GetMember(memberId));
        }

        // The session is measured from the heartbeat's arrival only: a crashed member's last poll returning later must not extend it.
        return response;
    }

    public async Task LeaveAsync(string memberId)
    {
        if (!_members.TryGetValue(memberId, out var member))
        {
            return;
        }

        if (member.InstanceId is not null)
        {
            // Kafka's static membership: a closing static member keeps its place, so a restart within the session timeout moves nothing.
            member.Departed = true;
        }
        else
        {
            RemoveMember(memberId);
            Rebalance("member left");
        }

        await PersistAsync();
        SignalChanged();
    }

    public async Task CommitOffsetsAsync(string memberId, int generation, CommittedOffset[] offsets)
    {
        GroupId.Validate(GroupIdValue);
        ValidateOffsets(offsets);
        if (memberId.Length == 0 && generation == -1)
        {
            if (_members.Count > 0)
            {
                throw new UnknownMemberException(
                    $"Group '{GroupIdValue}' has {_members.Count} active members; a commit without a member id is accepted only while the group is empty. Subscribe to join the group, or use another group id.");
            }
        }
        else
        {
            var member = GetMember(memberId);
            if (generation != _generation)
            {
                throw new IllegalGenerationException(
                    $"Commit from member '{memberId}' of group '{GroupIdValue}' carries generation {generation}, but the group is at generation {_generation}; heartbeat to refresh the assignment, then commit again.");
            }

            foreach (var offset in offsets)
            {
                if (!member.Owned.Contains(offset.GroupPartition))
                {
                    throw new IllegalGenerationException(
                        $"Member '{memberId}' of group '{GroupIdValue}' does not own {offset.GroupPartition} in generation {_generation}; only a partition's owner may commit its offset.");
                }
            }
        }

        var now = DateTimeOffset.UtcNow;
        foreach (var offset in offsets)
        {
            _offsets[offset.GroupPartition] = offset with { CommittedAt = now };
        }

        GroupMetrics.CommittedOffsets.Add(offsets.Length);
        var firstUse = !_exists;
        _exists = true;
        await PersistAsync();
        if (firstUse)
        {
            await GrainFactory.GetGrain<IGroupCatalogGrain>(0).AddAsync(GroupIdValue);
        }
    }

    public Task<CommittedOffset[]> FetchOffsetsAsync(GroupPartition[]? partitions)
    {
        if (partitions is null)
        {
            var all = _offsets.Values.ToArray();
            Array.Sort(all, (a, b) => a.GroupPartition.CompareTo(b.GroupPartition));
            return Task.FromResult(all);
        }

        var found = new List<CommittedOffset>(partitions.Length);
        foreach (var partition in partitions)
        {
            if (_offsets.TryGetValue(partition, out var offset))
            {
                found.Add(offset);
            }
        }

        return Task.FromResult(found.ToArray());
    }

    public Task<GroupDescription> DescribeAsync()
    {
        var members = new List<GroupMemberDescription>(_members.Count);
        foreach (var member in _members.Values)
        {
            members.Add(new GroupMemberDescription(member.MemberId, member.InstanceId, member.ClientId, member.Host, member.Topics, Sorted(member.Owned), Sorted(member.Target)));
        }

        members.Sort((a, b) => string.CompareOrdinal(a.MemberId, b.MemberId));
        var offsets = _offsets.Values.ToArray();
        Array.Sort(offsets, (a, b) => a.GroupPartition.CompareTo(b.GroupPartition));
        return Task.FromResult(new GroupDescription(GroupIdValue, CurrentState(), _generation, _assignor, [.. members], offsets, RuntimeIdentity));
    }

    public async Task ResetOffsetsAsync(CommittedOffset[] offsets)
    {
        GroupId.Validate(GroupIdValue);
        ThrowIfNotEmpty("reset the offsets of");
        ValidateOffsets(offsets);
        var now = DateTimeOffset.UtcNow;
        foreach (var offset in offsets)
        {
            _offsets[offset.GroupPartition] = offset with { CommittedAt = now };
        }

        var firstUse = !_exists;
        _exists = true;
        await PersistAsync();
        if (firstUse)
        {
            await GrainFactory.GetGrain<IGroupCatalogGrain>(0).AddAsync(GroupIdValue);
        }
    }

    public Task EnsureEmptyAsync()
    {
        ThrowIfNotEmpty("reset the offsets of");
        return Task.CompletedTask;
    }

    public async Task DeleteAsync()
    {
        if (!_exists)
        {
            throw new UnknownGroupException($"Group '{GroupIdValue}' does not exist; list groups to see which do.");
        }

        ThrowIfNotEmpty("delete");
        await PersistAsync();
        _exists = false;
        _offsets.Clear();
        _generation = 0;
        await state.ClearStateAsync();
        await GrainFactory.GetGrain<IGroupCatalogGrain>(0).RemoveAsync(GroupIdValue);
        LogDeleted(GroupIdValue);
        DeactivateOnIdle();
    }

    // operation reads before the group's name: "reset the offsets of" group 'A', "delete" group 'A'.
    private void ThrowIfNotEmpty(string operation)
    {
        if (_members.Count > 0)
        {
            throw new GroupNotEmptyException(
                $"Cannot {operation} group '{GroupIdValue}' while it has {_members.Count} members ({string.Join(", ", _members.Keys)}); close its consumers (or wait for their sessions to expire) and try again.");
        }
    }

    private GroupMemberState GetMember(string memberId)
    {
        if (_members.TryGetValue(memberId, out var member))
        {
            return member;
        }

        if (_fencedMembers.Contains(memberId))
        {
            throw new FencedInstanceIdException($"Member '{memberId}' of group '{GroupIdValue}' was replaced by a newer member with the same group.instance.id; close this consumer.");
        }

        throw new UnknownMemberException($"Group '{GroupIdValue}' has no member '{memberId}' (it left, or its session expired); rejoin the group.");
    }

    private void AddMember(GroupMemberState member)
    {
        _members[member.MemberId] = member;
        _lastSeen[member.MemberId] = Environment.TickCount64;
    }

    private void RemoveMember(string memberId)
    {
        _members.Remove(memberId);
        _lastSeen.Remove(memberId);
        _revokeRequestedAt.Remove(memberId);
    }

    // A new generation: recompute every member's target with the group's assignor, then hand over what can move now.
    private void Rebalance(string reason)
    {
        _generation++;
        GroupMetrics.Rebalances.Add(1);
        var members = new List<AssignorMember>(_members.Count);
        foreach (var member in _members.Values)
        {
            members.Add(new AssignorMember(member.MemberId, member.InstanceId, member.Topics, member.Target));
        }

        var targets = PartitionAssignors.Get(_assignor).Assign(members, _partitionCounts);
        foreach (var (memberId, target) in targets)
        {
            _members[memberId].Target = target;
        }

        Reconcile();
        LogRebalanced(GroupIdValue, _generation, _members.Count, reason);
    }

    // Grants each member the target partitions nobody owns; notes when members were first asked to revoke (for the rebalance timeout).
    private void Reconcile()
    {
        var owners = new Dictionary<GroupPartition, string>();
        foreach (var member in _members.Values)
        {
            foreach (var partition in member.Owned)
            {
                owners[partition] = member.MemberId;
            }
        }

        var now = Environment.TickCount64;
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

    // Owned partitions outside the target that the member no longer reports are revoked: free them.
    private static bool AcknowledgeRevocations(GroupMemberState member, GroupPartition[] reported)
    {
        var removed = member.Owned.RemoveAll(p => !member.Target.Contains(p) && Array.IndexOf(reported, p) < 0);
        return removed > 0;
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

    private MemberAssignment Respond(GroupMemberState member)
    {
        var partitions = new List<GroupPartition>(member.Owned.Count);
        foreach (var partition in member.Owned)
        {
            if (member.Target.Contains(partition))
            {
                partitions.Add(partition);
            }
        }

        partitions.Sort();
        return new MemberAssignment(member.MemberId, _generation, [.. partitions], partitions.Count != member.Target.Count || partitions.Count != member.Owned.Count);
    }

    private GroupState CurrentState()
    {
        if (_members.Count == 0)
        {
            return _exists ? GroupState.Empty : GroupState.Dead;
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

    private async Task CheckMembersAsync(CancellationToken cancellationToken)
    {
        var now = Environment.TickCount64;
        List<string>? expired = null;
        foreach (var member in _members.Values)
        {
            var silentFor = now - _lastSeen.GetValueOrDefault(member.MemberId, now);
            var revokingFor = _revokeRequestedAt.TryGetValue(member.MemberId, out var since) ? now - since : 0;
            if (silentFor > member.SessionTimeout.TotalMilliseconds || revokingFor > member.RebalanceTimeout.TotalMilliseconds)
            {
                (expired ??= []).Add(member.MemberId);
                LogExpired(GroupIdValue, member.MemberId, silentFor, revokingFor);
            }
        }

        var changed = false;
        if (expired is not null)
        {
            foreach (var memberId in expired)
            {
                RemoveMember(memberId);
            }

            Rebalance("member expired");
            changed = true;
        }

        if (_members.Count > 0 && now - _lastMetadataRefresh >= options.Value.MetadataRefreshInterval.TotalMilliseconds)
        {
            if (await RefreshMetadataAsync())
            {
                Rebalance("subscribed topics changed");
                changed = true;
            }
        }

        if (changed)
        {
            await PersistAsync();
            SignalChanged();
        }
    }

    // Reads the partition counts of every subscribed topic (plus extra ones); true when any count changed or a topic appeared or went.
    private async Task<bool> RefreshMetadataAsync(IEnumerable<string>? extraTopics = null)
    {
        _lastMetadataRefresh = Environment.TickCount64;
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in _members.Values)
        {
            topics.UnionWith(member.Topics);
        }

        if (extraTopics is not null)
        {
            topics.UnionWith(extraTopics);
        }

        var names = topics.ToArray();
        var counts = await Task.WhenAll(names.Select(PartitionCountAsync));
        var changed = false;
        for (var i = 0; i < names.Length; i++)
        {
            var known = _partitionCounts.TryGetValue(names[i], out var count);
            if (counts[i] == 0)
            {
                changed |= _partitionCounts.Remove(names[i]);
            }
            else if (!known || count != counts[i])
            {
                _partitionCounts[names[i]] = counts[i];
                changed = true;
            }
        }

        return changed;
    }

    private async Task<int> PartitionCountAsync(string topic)
    {
        try
        {
            return (await GrainFactory.GetGrain<ITopicGrain>(topic).DescribeAsync()).PartitionCount;
        }
        catch (UnknownTopicException)
        {
            return 0;
        }
    }

    // Coalesced writes: one in flight; callers that changed state meanwhile share the next write.
    private async Task PersistAsync()
    {
        _dirtyVersion++;
        var wanted = _dirtyVersion;
        while (_writtenVersion < wanted)
        {
            var write = _write;
            if (write is null)
            {
                write = WriteOnceAsync();
                _write = write;
            }

            try
            {
                await write;
            }
            finally
            {
                if (_write == write)
                {
                    _write = null;
                }
            }
        }
    }

    private async Task WriteOnceAsync()
    {
        var version = _dirtyVersion;
        state.State = new ConsumerGroupState
        {
            Exists = _exists,
            Generation = _generation,
            Assignor = _assignor,
            Members = [.. _members.Values.Select(m => m.Clone())],
            Offsets = [.. _offsets.Values],
        };
        await state.WriteStateAsync();
        GroupMetrics.StateWrites.Add(1);
        _writtenVersion = Math.Max(_writtenVersion, version);
    }

    private void SignalChanged() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static void ValidateJoin(JoinGroupRequest request)
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
    }

    private static void ValidateOffsets(CommittedOffset[] offsets)
    {
        foreach (var offset in offsets)
        {
            TopicName.Validate(offset.Topic);
            if (offset.Partition < 0)
            {
                throw new InvalidRequestException($"Cannot commit an offset for {offset.Topic} partition {offset.Partition}; partitions are numbered from 0.");
            }

            if (offset.Offset < 0)
            {
                throw new InvalidRequestException($"Cannot commit offset {offset.Offset} for {offset.GroupPartition}; a committed offset is the next offset to consume, 0 or more.");
            }

            if (offset.Metadata is { Length: > MaxMetadataLength })
            {
                throw new InvalidRequestException($"Commit metadata for {offset.GroupPartition} is {offset.Metadata.Length} characters; the limit is {MaxMetadataLength}.");
            }
        }
    }

    private static bool SameSet(GroupPartition[] a, GroupPartition[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        foreach (var partition in a)
        {
            if (Array.IndexOf(b, partition) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private static GroupPartition[] Sorted(List<GroupPartition> partitions)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted group {GroupId}")]
    private partial void LogDeleted(string groupId);
}
