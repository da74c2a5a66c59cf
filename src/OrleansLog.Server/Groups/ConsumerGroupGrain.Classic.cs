using OrleansLog.Catalogs;
using OrleansLog.Errors;
using ErrorCode = OrleansLog.Errors.ErrorCode;
using OrleansLog.Groups.Classic;

namespace OrleansLog.Groups;

/// <summary>
/// The group grain's side of Kafka's classic protocol and Kafka's offset APIs: runs <see cref="ClassicGroup"/>, refuses classic members
/// while consumer-protocol members are in the group (and the other way round in <see cref="JoinAsync"/>), and answers a member only once
/// what it is told is durable.
/// </summary>
internal sealed partial class ConsumerGroupGrain
{
    public async Task<ClassicJoinResult> JoinClassicAsync(ClassicJoinRequest request, CancellationToken cancellationToken)
    {
        GroupId.Validate(GroupIdValue);
        if (_coordinator.MemberCount > 0)
        {
            return new ClassicJoinResult(ErrorCode.InconsistentGroupProtocol, -1, null, null, "", false, request.MemberId, []);
        }

        _protocol = GroupProtocol.Classic;
        var firstUse = MarkExisting();
        var result = await RunClassicAsync(() => _classic.Join(request), cancellationToken);
        if (firstUse)
        {
            await GrainFactory.GetCatalog(CatalogNames.Groups).AddAsync(GroupIdValue);
        }

        return result;
    }

    public Task<ClassicSyncResult> SyncClassicAsync(ClassicSyncRequest request, CancellationToken cancellationToken) =>
        _protocol == GroupProtocol.Classic
            ? RunClassicAsync(() => _classic.Sync(request), cancellationToken)
            : Task.FromResult(new ClassicSyncResult(ErrorCode.UnknownMemberId, null, null, []));

    public Task<ErrorCode> HeartbeatClassicAsync(string memberId, string? instanceId, int generation, CancellationToken cancellationToken) =>
        Task.FromResult(_protocol == GroupProtocol.Classic ? _classic.Heartbeat(memberId, instanceId, generation) : ErrorCode.UnknownMemberId);

    public Task<ClassicLeaveResult[]> LeaveClassicAsync(ClassicLeavingMember[] members, CancellationToken cancellationToken) =>
        RunClassicAsync(() => Task.FromResult(_classic.Leave(members)), cancellationToken);

    public async Task CommitKafkaOffsetsAsync(string memberId, string? instanceId, int generation, CommittedOffset[] offsets, CancellationToken cancellationToken)
    {
        GroupId.Validate(GroupIdValue);
        GroupOffsets.Validate(offsets);
        if (_coordinator.MemberCount > 0)
        {
            if (memberId.Length == 0 && generation < 0)
            {
                _coordinator.CheckStandaloneCommit();
            }
            else
            {
                // A KIP-848 member commits under its member epoch, which is the group's generation here; an older epoch is stale, and
                // the client retries after its next heartbeat, as it does against Kafka.
                try
                {
                    _coordinator.CheckMemberCommit(memberId, generation, offsets);
                }
                catch (IllegalGenerationException e)
                {
                    throw new StaleMemberEpochException(e.Message, e);
                }
            }
        }
        else
        {
            _classic.CheckCommit(memberId, instanceId, generation);
        }

        await CommitAsync(offsets);
    }

    public async Task DeleteOffsetsAsync(TopicPartition[] partitions, CancellationToken cancellationToken)
    {
        GroupId.Validate(GroupIdValue);
        if (!_exists)
        {
            throw new UnknownGroupException($"Group '{GroupIdValue}' does not exist; list groups to see which do.");
        }

        var subscribed = _coordinator.SubscribedTopics();
        subscribed.UnionWith(_classic.SubscribedTopics());
        foreach (var partition in partitions)
        {
            if (subscribed.Contains(partition.Topic))
            {
                throw new GroupSubscribedToTopicException(
                    $"Group '{GroupIdValue}' has members subscribed to topic '{partition.Topic}', so its offsets stay; stop those consumers (or change their subscription) first.");
            }
        }

        if (_offsets.Remove(partitions))
        {
            await _offsetsWriter.WriteAsync();
        }
    }

    // Runs one classic operation in this turn; what it changed is recorded for writing before any await, so a member answered by it (now
    // or, waiting on the barrier, later) returns only once that change is durable.
    private async Task<T> RunClassicAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        var before = _classic.Version;
        var answer = operation();
        if (_classic.Version != before)
        {
            await _membershipWriter.WriteAsync();
        }

        var result = await answer.WaitAsync(cancellationToken);
        await _membershipWriter.FlushAsync();
        return result;
    }
}
