using OrleansLog.Errors;

namespace OrleansLog.Groups;

/// <summary>
/// The members of one consumer group and their session clocks: when each was last heard from, since when each has been asked to revoke
/// partitions, and which member ids were fenced by a newer static member. Time comes from a <see cref="TimeProvider"/>.
/// </summary>
internal sealed class GroupMembers(string groupId, TimeProvider time)
{
    private readonly Dictionary<string, GroupMemberState> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _revokeRequestedAt = new(StringComparer.Ordinal);
    private readonly HashSet<string> _fenced = new(StringComparer.Ordinal);

    /// <summary>How many members the group has.</summary>
    public int Count => _members.Count;

    /// <summary>The members, in no particular order.</summary>
    public Dictionary<string, GroupMemberState>.ValueCollection All => _members.Values;

    /// <summary>The member ids, in no particular order.</summary>
    public Dictionary<string, GroupMemberState>.KeyCollection Ids => _members.Keys;

    /// <summary>Takes over persisted members; each gets a full session from now, since its last heartbeat is unknown.</summary>
    public void Restore(IEnumerable<GroupMemberState> members)
    {
        var now = time.GetTimestamp();
        foreach (var member in members)
        {
            _members[member.MemberId] = member.Clone();
            _lastSeen[member.MemberId] = now;
        }
    }

    /// <summary>Forgets every member and every fenced id.</summary>
    public void Clear()
    {
        _members.Clear();
        _lastSeen.Clear();
        _revokeRequestedAt.Clear();
        _fenced.Clear();
    }

    /// <summary>
    /// The member with id <paramref name="memberId"/>; throws <see cref="FencedInstanceIdException"/> for a fenced id and
    /// <see cref="UnknownMemberException"/> for any other unknown one.
    /// </summary>
    public GroupMemberState Get(string memberId)
    {
        if (_members.TryGetValue(memberId, out var member))
        {
            return member;
        }

        if (_fenced.Contains(memberId))
        {
            throw new FencedInstanceIdException($"Member '{memberId}' of group '{groupId}' was replaced by a newer member with the same group.instance.id; close this consumer.");
        }

        throw new UnknownMemberException($"Group '{groupId}' has no member '{memberId}' (it left, or its session expired); rejoin the group.");
    }

    /// <summary>The member with id <paramref name="memberId"/>, if the group has it.</summary>
    public bool TryGet(string memberId, out GroupMemberState member) => _members.TryGetValue(memberId, out member!);

    /// <summary>The member with static id <paramref name="instanceId"/>, or null.</summary>
    public GroupMemberState? FindByInstanceId(string instanceId) => _members.Values.FirstOrDefault(m => m.InstanceId == instanceId);

    /// <summary>Adds a member whose session starts now.</summary>
    public void Add(GroupMemberState member)
    {
        _members[member.MemberId] = member;
        _lastSeen[member.MemberId] = time.GetTimestamp();
    }

    /// <summary>Removes a member; its id becomes unknown.</summary>
    public void Remove(string memberId)
    {
        _members.Remove(memberId);
        _lastSeen.Remove(memberId);
        _revokeRequestedAt.Remove(memberId);
    }

    /// <summary>Removes a member replaced by a newer one with its group.instance.id; its id is refused as fenced from now on.</summary>
    public void Fence(string memberId)
    {
        Remove(memberId);
        _fenced.Add(memberId);
    }

    /// <summary>The member was heard from (a heartbeat): its session starts again.</summary>
    public void Seen(string memberId) => _lastSeen[memberId] = time.GetTimestamp();

    /// <summary>
    /// Notes, for each member, since when it has been asked to revoke partitions: the first time it is seen owning partitions outside its
    /// target starts its rebalance timeout, which runs until it has nothing left to revoke.
    /// </summary>
    public void TrackRevocations()
    {
        var now = time.GetTimestamp();
        foreach (var member in _members.Values)
        {
            if (member.HasPendingRevocations())
            {
                _revokeRequestedAt.TryAdd(member.MemberId, now);
            }
            else
            {
                _revokeRequestedAt.Remove(member.MemberId);
            }
        }
    }

    /// <summary>
    /// The members silent for longer than their session timeout, or revoking for longer than their rebalance timeout, with how long each
    /// has been; null when there are none. They stay members until removed.
    /// </summary>
    public List<ExpiredMember>? FindExpired()
    {
        List<ExpiredMember>? expired = null;
        foreach (var member in _members.Values)
        {
            var silentFor = time.GetElapsedTime(_lastSeen[member.MemberId]);
            var revokingFor = _revokeRequestedAt.TryGetValue(member.MemberId, out var since) ? time.GetElapsedTime(since) : TimeSpan.Zero;
            if (silentFor > member.SessionTimeout || revokingFor > member.RebalanceTimeout)
            {
                (expired ??= []).Add(new ExpiredMember(member.MemberId, silentFor, revokingFor));
            }
        }

        return expired;
    }

    /// <summary>A member past its session or rebalance timeout: how long it has been silent and how long revoking.</summary>
    public readonly record struct ExpiredMember(string MemberId, TimeSpan SilentFor, TimeSpan RevokingFor);
}
