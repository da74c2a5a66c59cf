using OrleansLog.Groups.Classic;
using ErrorCode = OrleansLog.Errors.ErrorCode;

namespace OrleansLog.Groups;

/// <summary>
/// The members of a classic group, indexed by member id and by static instance id, with the member ids handed out by
/// MEMBER_ID_REQUIRED that have not come back yet; and what is decided over all members: which protocols they share, the protocol
/// they vote for, and what describe shows of them.
/// </summary>
internal sealed class ClassicMembers
{
    private readonly Dictionary<string, ClassicMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byInstance = new(StringComparer.Ordinal);

    // Member ids handed out with MEMBER_ID_REQUIRED, and until when (a timestamp) each may come back with it.
    private readonly Dictionary<string, long> _pending = new(StringComparer.Ordinal);
    private long _joinOrder;

    /// <summary>How many members there are.</summary>
    public int Count => _members.Count;

    /// <summary>How many handed-out member ids have not come back yet.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>The members, in no set order.</summary>
    public IEnumerable<ClassicMember> All => _members.Values;

    /// <summary>The members in the order they joined (the leader is the first of them).</summary>
    public IEnumerable<ClassicMember> InJoinOrder => _members.Values.OrderBy(m => m.JoinOrder);

    /// <summary>The member with id <paramref name="memberId"/>, which must exist.</summary>
    public ClassicMember this[string memberId] => _members[memberId];

    /// <summary>Whether <paramref name="memberId"/> is a member.</summary>
    public bool Contains(string memberId) => _members.ContainsKey(memberId);

    /// <summary>Finds a member by id.</summary>
    public bool TryGet(string memberId, out ClassicMember member) => _members.TryGetValue(memberId, out member!);

    /// <summary>The member id that holds static instance <paramref name="instanceId"/> now, or null.</summary>
    public string? HolderOf(string instanceId) => _byInstance.GetValueOrDefault(instanceId);

    /// <summary>Adds a new member, last in join order.</summary>
    public void Add(ClassicMember member)
    {
        member.JoinOrder = ++_joinOrder;
        Index(member);
    }

    /// <summary>Gives a static member a new member id (it restarted); the old id is no longer a member.</summary>
    public void Rename(ClassicMember member, string newMemberId)
    {
        _members.Remove(member.MemberId);
        member.MemberId = newMemberId;
        Index(member);
    }

    /// <summary>Removes a member, and its instance id when it still holds it.</summary>
    public void Remove(ClassicMember member)
    {
        _members.Remove(member.MemberId);
        if (member.InstanceId is not null && _byInstance.GetValueOrDefault(member.InstanceId) == member.MemberId)
        {
            _byInstance.Remove(member.InstanceId);
        }
    }

    /// <summary>Records a member id handed out with MEMBER_ID_REQUIRED, valid until <paramref name="until"/>.</summary>
    public void AddPending(string memberId, long until) => _pending[memberId] = until;

    /// <summary>Takes a handed-out member id back; false when it was not pending.</summary>
    public bool RemovePending(string memberId) => _pending.Remove(memberId);

    /// <summary>Forgets handed-out member ids that expired by <paramref name="now"/> (all of them when null).</summary>
    public void ExpirePending(long? now)
    {
        foreach (var (memberId, until) in _pending.ToArray())
        {
            if (now is null || now >= until)
            {
                _pending.Remove(memberId);
            }
        }
    }

    /// <summary>Takes over persisted members, heard from at <paramref name="now"/>.</summary>
    public void Restore(IEnumerable<ClassicMember> members, long now)
    {
        foreach (var member in members)
        {
            member.LastHeard = now;
            Index(member);
            _joinOrder = Math.Max(_joinOrder, member.JoinOrder);
        }
    }

    /// <summary>Copies of the members, to persist.</summary>
    public List<ClassicMember> Snapshot() => [.. _members.Values.Select(m => m.Clone())];

    /// <summary>Forgets every member.</summary>
    public void Clear()
    {
        _members.Clear();
        _byInstance.Clear();
        _pending.Clear();
    }

    /// <summary>FENCED_INSTANCE_ID when another member holds the instance id, UNKNOWN_MEMBER_ID for a stranger, else NONE.</summary>
    public ErrorCode Check(string memberId, string? instanceId)
    {
        if (instanceId is not null && _byInstance.TryGetValue(instanceId, out var current) && current != memberId)
        {
            return ErrorCode.FencedInstanceId;
        }

        return _members.ContainsKey(memberId) ? ErrorCode.None : ErrorCode.UnknownMemberId;
    }

    /// <summary>
    /// Kafka's supportsProtocols: a group with no other member takes any; otherwise the protocol type must be the group's and one
    /// protocol must be common to every member.
    /// </summary>
    public bool Supports(ClassicJoinRequest request, string? protocolType)
    {
        var others = _members.Values.Where(m => m.MemberId != request.MemberId && (request.InstanceId is null || m.InstanceId != request.InstanceId)).ToList();
        if (others.Count == 0)
        {
            return true;
        }

        return request.ProtocolType == protocolType && request.Protocols.Any(p => others.All(m => m.Protocols.Any(q => q.Name == p.Name)));
    }

    /// <summary>Kafka's choice: among the protocols every member supports, the one most members list first of those.</summary>
    public string SelectProtocol()
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
        foreach (var member in InJoinOrder)
        {
            var choice = member.Protocols.First(p => candidates!.Contains(p.Name)).Name;
            votes[choice] = votes.GetValueOrDefault(choice) + 1;
        }

        return votes.MaxBy(v => v.Value).Key;
    }

    /// <summary>The topics the members subscribe to, read from their consumer protocol metadata (none unless the type is <c>consumer</c>).</summary>
    public HashSet<string> SubscribedTopics(string? protocolType, string? protocolName)
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        if (protocolType == "consumer")
        {
            foreach (var member in _members.Values)
            {
                topics.UnionWith(ConsumerProtocolBytes.Topics(member.MetadataFor(protocolName ?? member.Protocols.FirstOrDefault()?.Name)));
            }
        }

        return topics;
    }

    /// <summary>The members as describe shows them; topics and partitions are read from consumer protocol bytes.</summary>
    public GroupMemberDescription[] Describe(string? protocolType, string? protocolName)
    {
        var consumer = protocolType == "consumer";
        return [.. InJoinOrder.Select(m =>
        {
            var metadata = m.MetadataFor(protocolName ?? m.Protocols.FirstOrDefault()?.Name);
            var assignment = consumer ? ConsumerProtocolBytes.Partitions(m.Assignment) : [];
            return new GroupMemberDescription(
                m.MemberId, m.InstanceId, m.ClientId, m.ClientHost, consumer ? ConsumerProtocolBytes.Topics(metadata) : [], assignment, assignment, metadata, m.Assignment);
        })];
    }

    private void Index(ClassicMember member)
    {
        _members[member.MemberId] = member;
        if (member.InstanceId is not null)
        {
            _byInstance[member.InstanceId] = member.MemberId;
        }
    }
}
