using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansLog.Catalogs;
using OrleansLog.Errors;
using OrleansLog.Hosting;
using OrleansLog.Topics;

namespace OrleansLog.Groups;

/// <summary>
/// Hosts one consumer group: runs its <see cref="GroupCoordinator"/> and <see cref="GroupOffsets"/>, persists membership and offsets apart
/// (a commit writes only offsets), reads the subscribed topics' partition counts, expires members on a timer, and long-polls heartbeats
/// until the group changes. The grain is reentrant; every mutation runs synchronously within one turn, and a member is told of a change
/// only once it is durable.
/// </summary>
[GrainType(GrainTypes.ConsumerGroup)]
[Reentrant]
internal sealed partial class ConsumerGroupGrain : Grain, IConsumerGroupGrain
{
    private static readonly TimeSpan MaxHeartbeatWait = TimeSpan.FromSeconds(30);

    private readonly IPersistentState<ConsumerGroupState> _membershipState;
    private readonly IPersistentState<GroupOffsetsState> _offsetsState;
    private readonly IOptions<ConsumerGroupOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ConsumerGroupGrain> _logger;
    private readonly GroupCoordinator _coordinator;
    private readonly ClassicGroup _classic;
    private readonly GroupOffsets _offsets = new();
    private readonly CoalescingStateWriter<ConsumerGroupState> _membershipWriter;
    private readonly CoalescingStateWriter<GroupOffsetsState> _offsetsWriter;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _exists;
    private GroupProtocol _protocol;
    private long _lastMetadataRefresh;

    public ConsumerGroupGrain(
        [PersistentState("group", OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<ConsumerGroupState> membershipState,
        [PersistentState("offsets", OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<GroupOffsetsState> offsetsState,
        IOptions<ConsumerGroupOptions> options,
        TimeProvider time,
        ILogger<ConsumerGroupGrain> logger)
    {
        _membershipState = membershipState;
        _offsetsState = offsetsState;
        _options = options;
        _time = time;
        _logger = logger;
        _coordinator = new GroupCoordinator(GroupIdValue, time, logger);
        _classic = new ClassicGroup(GroupIdValue, options.Value.InitialRebalanceDelay, time, logger);
        _membershipWriter = new(membershipState, SnapshotMembership, CountWrite);
        _offsetsWriter = new(offsetsState, _offsets.Snapshot, CountWrite);
    }

    private string GroupIdValue => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _exists = _membershipState.State.Exists;
        _coordinator.Restore(_membershipState.State);
        _classic.Restore(_membershipState.State.Classic);
        _protocol = _membershipState.State.Protocol;
        _offsets.Restore(_offsetsState.State);
        if (_coordinator.MemberCount > 0)
        {
            await RefreshMetadataAsync();
        }

        this.RegisterGrainTimer(CheckMembersAsync, new GrainTimerCreationOptions
        {
            DueTime = _options.Value.ExpiryCheckInterval,
            Period = _options.Value.ExpiryCheckInterval,
            Interleave = true,
            KeepAlive = false,
        });
    }

    public async Task<MemberAssignment> JoinAsync(JoinGroupRequest request, CancellationToken cancellationToken)
    {
        GroupId.Validate(GroupIdValue);
        GroupCoordinator.ValidateJoin(request);
        if (_classic.MemberCount > 0)
        {
            throw new InconsistentGroupProtocolException(
                $"Group '{GroupIdValue}' has {_classic.MemberCount} members using Kafka's classic protocol (JoinGroup); a consumer-protocol member may join it only once it is empty. Use another group id, or stop its Kafka consumers.");
        }

        _protocol = GroupProtocol.Consumer;
        await RefreshMetadataAsync(request.Topics);
        var assignment = _coordinator.Join(request);
        var firstUse = MarkExisting();
        await _membershipWriter.WriteAsync();
        SignalChanged();
        if (firstUse)
        {
            await GrainFactory.GetCatalog(CatalogNames.Groups).AddAsync(GroupIdValue);
        }

        return assignment;
    }

    public async Task<MemberAssignment> HeartbeatAsync(string memberId, TopicPartition[] ownedPartitions, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        // The session is measured from the heartbeat's arrival only: a crashed member's last poll returning later must not extend it.
        if (_coordinator.Heartbeat(memberId, ownedPartitions))
        {
            await _membershipWriter.WriteAsync();
            SignalChanged();
        }

        var response = _coordinator.Assignment(memberId);
        if (maxWait > TimeSpan.Zero && SameSet(response.Partitions, ownedPartitions))
        {
            // Nothing for the member to do: wait for the group to change (or the heartbeat interval to pass), well within the call's response timeout.
            // A member that stops (or a caller that gives up) cancels the call, which ends the wait at once.
            await Task.WhenAny(_changed.Task, Task.Delay(maxWait < MaxHeartbeatWait ? maxWait : MaxHeartbeatWait, _time, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
            await _membershipWriter.FlushAsync();
            response = _coordinator.Assignment(memberId);
        }

        return response;
    }

    public async Task LeaveAsync(string memberId, CancellationToken cancellationToken)
    {
        if (_coordinator.Leave(memberId))
        {
            await _membershipWriter.WriteAsync();
            SignalChanged();
        }
    }

    public async Task CommitOffsetsAsync(string memberId, int generation, CommittedOffset[] offsets, CancellationToken cancellationToken)
    {
        GroupId.Validate(GroupIdValue);
        GroupOffsets.Validate(offsets);
        _coordinator.CheckMemberCommit(memberId, generation, offsets);
        await CommitAsync(offsets);
    }

    public async Task CommitStandaloneOffsetsAsync(CommittedOffset[] offsets, CancellationToken cancellationToken)
    {
        GroupId.Validate(GroupIdValue);
        GroupOffsets.Validate(offsets);
        _coordinator.CheckStandaloneCommit();
        await CommitAsync(offsets);
    }

    public Task<CommittedOffset[]> FetchOffsetsAsync(TopicPartition[]? partitions, CancellationToken cancellationToken) => Task.FromResult(_offsets.Get(partitions));

    public Task<CommittedOffset[]> FetchMemberOffsetsAsync(string memberId, int memberEpoch, TopicPartition[]? partitions, CancellationToken cancellationToken)
    {
        _coordinator.CheckMemberEpoch(memberId, memberEpoch, "An offset fetch");
        return Task.FromResult(_offsets.Get(partitions));
    }

    public Task<GroupDescription> DescribeAsync(CancellationToken cancellationToken) => Task.FromResult(_protocol == GroupProtocol.Classic
        ? new GroupDescription(
            GroupIdValue, _exists ? _classic.State : GroupState.Dead, _classic.Generation, _classic.ProtocolName ?? "", _classic.DescribeMembers(), _offsets.Get(null),
            RuntimeIdentity, GroupProtocol.Classic, _classic.ProtocolType)
        : new GroupDescription(
            GroupIdValue, _coordinator.State(_exists), _coordinator.Generation, _coordinator.Assignor, _coordinator.DescribeMembers(), _offsets.Get(null),
            RuntimeIdentity, GroupProtocol.Consumer, "consumer"));

    public async Task ResetOffsetsAsync(CommittedOffset[] offsets, CancellationToken cancellationToken)
    {
        GroupId.Validate(GroupIdValue);
        EnsureEmpty("reset the offsets of");
        GroupOffsets.Validate(offsets);
        await CommitAsync(offsets);
    }

    public Task EnsureEmptyAsync(CancellationToken cancellationToken)
    {
        EnsureEmpty("reset the offsets of");
        return Task.CompletedTask;
    }

    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        if (!_exists)
        {
            throw new UnknownGroupException($"Group '{GroupIdValue}' does not exist; list groups to see which do.");
        }

        EnsureEmpty("delete");
        await Task.WhenAll(_membershipWriter.FlushAsync(), _offsetsWriter.FlushAsync());
        _exists = false;
        _offsets.Clear();
        _coordinator.Reset();
        _classic.Reset();
        _protocol = GroupProtocol.Consumer;
        await Task.WhenAll(_membershipState.ClearStateAsync(), _offsetsState.ClearStateAsync());
        await GrainFactory.GetCatalog(CatalogNames.Groups).RemoveAsync(GroupIdValue);
        LogDeleted(GroupIdValue);
        DeactivateOnIdle();
    }

    private async Task CommitAsync(CommittedOffset[] offsets)
    {
        _offsets.Commit(offsets, _time.GetUtcNow());
        GroupMetrics.CommittedOffsets.Add(offsets.Length);
        if (!MarkExisting())
        {
            await _offsetsWriter.WriteAsync();
            return;
        }

        await Task.WhenAll(_offsetsWriter.WriteAsync(), _membershipWriter.WriteAsync());
        await GrainFactory.GetCatalog(CatalogNames.Groups).AddAsync(GroupIdValue);
    }

    // A group exists from its first member or commit until it is deleted; true for that first use, which lists it in the group catalog.
    private bool MarkExisting()
    {
        if (_exists)
        {
            return false;
        }

        _exists = true;
        return true;
    }

    private async Task CheckMembersAsync(CancellationToken cancellationToken)
    {
        if (_classic.Tick())
        {
            // Written in the turn that changed it: members the tick answered return only once it is durable.
            await _membershipWriter.WriteAsync();
        }

        var changed = _coordinator.ExpireMembers();
        if (_coordinator.MemberCount > 0 && _time.GetElapsedTime(_lastMetadataRefresh) >= _options.Value.MetadataRefreshInterval && await RefreshMetadataAsync())
        {
            _coordinator.Rebalance("subscribed topics changed");
            changed = true;
        }

        if (changed)
        {
            await _membershipWriter.WriteAsync();
            SignalChanged();
        }
    }

    // Reads the partition counts of every subscribed topic (plus extra ones); true when any count changed or a topic appeared or went.
    private async Task<bool> RefreshMetadataAsync(IEnumerable<string>? extraTopics = null)
    {
        _lastMetadataRefresh = _time.GetTimestamp();
        var topics = _coordinator.SubscribedTopics();
        if (extraTopics is not null)
        {
            topics.UnionWith(extraTopics);
        }

        var names = topics.ToArray();
        var counts = await Task.WhenAll(names.Select(PartitionCountAsync));
        return _coordinator.UpdatePartitionCounts(names, counts);
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

    private ConsumerGroupState SnapshotMembership()
    {
        var state = _coordinator.Snapshot(_exists);
        state.Protocol = _protocol;
        state.Classic = _classic.Snapshot();
        return state;
    }

    // Neither kind of member may be present.
    private void EnsureEmpty(string operation)
    {
        _coordinator.EnsureEmpty(operation);
        if (_classic.MemberCount > 0)
        {
            throw new GroupNotEmptyException(
                $"Cannot {operation} group '{GroupIdValue}' while it has {_classic.MemberCount} Kafka (classic protocol) members; close its consumers (or wait for their sessions to expire) and try again.");
        }
    }

    private void SignalChanged() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static void CountWrite() => GroupMetrics.StateWrites.Add(1);

    private static bool SameSet(TopicPartition[] a, TopicPartition[] b)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted group {GroupId}")]
    private partial void LogDeleted(string groupId);
}
