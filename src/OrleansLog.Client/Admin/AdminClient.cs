using OrleansLog.Client.Metadata;
using OrleansLog.Catalogs;
using OrleansLog.Errors;
using OrleansLog.Groups;
using OrleansLog.Partitions;
using OrleansLog.Topics;

namespace OrleansLog.Client;

/// <summary>Creates, lists, describes, alters and deletes topics, lists offsets, and manages consumer groups (Kafka's admin client).</summary>
public sealed class AdminClient
{
    private readonly IGrainFactory _grains;
    private readonly TopicMetadataCache _metadata;

    internal AdminClient(IGrainFactory grains, TopicMetadataCache metadata)
    {
        _grains = grains;
        _metadata = metadata;
    }

    /// <summary>Creates a topic; throws <see cref="Errors.TopicAlreadyExistsException"/>, <see cref="Errors.InvalidTopicException"/>, <see cref="Errors.InvalidPartitionsException"/> or <see cref="Errors.InvalidConfigException"/>.</summary>
    public async Task<TopicDescription> CreateTopicAsync(string topic, int partitions = 1, IReadOnlyDictionary<string, string>? configs = null, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        var description = await Topic(topic).CreateAsync(partitions, configs, cancellationToken).ConfigureAwait(false);
        _metadata.Invalidate(topic);
        return description;
    }

    /// <summary>Lists the topic names.</summary>
    public async Task<IReadOnlyList<string>> ListTopicsAsync(CancellationToken cancellationToken = default) =>
        await _grains.GetCatalog(CatalogNames.Topics).ListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Describes a topic; throws <see cref="Errors.UnknownTopicException"/> if it does not exist.</summary>
    public Task<TopicDescription> DescribeTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        return Topic(topic).DescribeAsync(cancellationToken);
    }

    /// <summary>
    /// Describes every partition of a topic: start and end offsets, segments and bytes. Idle partitions are not activated: they are
    /// described from storage as of their last clean stop, with <see cref="PartitionDescription.Host"/> null.
    /// </summary>
    public async Task<IReadOnlyList<PartitionDescription>> DescribePartitionsAsync(string topic, CancellationToken cancellationToken = default)
    {
        var description = await DescribeTopicAsync(topic, cancellationToken).ConfigureAwait(false);
        var results = new List<PartitionDescription>(description.PartitionCount);
        foreach (var page in Pages(AllPartitions(description.PartitionCount)))
        {
            // One page at a time: the topic grain bounds the fan-out within a page, so a 10,000-partition topic never has more than that in flight.
            results.AddRange(await Topic(topic).DescribePartitionsAsync(page, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>
    /// The offset for <paramref name="timestamp"/> in each of <paramref name="partitions"/> of <paramref name="topic"/> (all of them when
    /// null), in partition order: <see cref="OffsetSpec.Earliest"/> and <see cref="OffsetSpec.Latest"/> come from storage for idle
    /// partitions without activating them; a Unix-ms timestamp gives the first offset whose record timestamp is at least it (-1 when none).
    /// </summary>
    public async Task<IReadOnlyList<ListedOffset>> ListOffsetsAsync(string topic, long timestamp, IReadOnlyCollection<int>? partitions = null, CancellationToken cancellationToken = default)
    {
        var description = await DescribeTopicAsync(topic, cancellationToken).ConfigureAwait(false);
        var chosen = partitions is null ? AllPartitions(description.PartitionCount) : [.. partitions.Order()];
        var results = new List<ListedOffset>(chosen.Length);
        foreach (var page in Pages(chosen))
        {
            var offsets = await Topic(topic).ListOffsetsAsync(page, timestamp, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < page.Length; i++)
            {
                results.Add(new ListedOffset(new TopicPartition(topic, page[i]), offsets[i].Offset, offsets[i].Timestamp));
            }
        }

        return results;
    }

    private static int[] AllPartitions(int count)
    {
        var all = new int[count];
        for (var p = 0; p < count; p++)
        {
            all[p] = p;
        }

        return all;
    }

    private static IEnumerable<int[]> Pages(int[] partitions)
    {
        for (var first = 0; first < partitions.Length; first += ITopicGrain.MaxPartitionsPerRequest)
        {
            yield return partitions[first..Math.Min(partitions.Length, first + ITopicGrain.MaxPartitionsPerRequest)];
        }
    }

    /// <summary>Sets topic configuration keys; a null value resets a key to its default.</summary>
    public async Task<TopicDescription> AlterTopicConfigAsync(string topic, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        var description = await Topic(topic).AlterConfigsAsync(changes, cancellationToken).ConfigureAwait(false);
        _metadata.Invalidate(topic);
        return description;
    }

    /// <summary>Grows a topic to <paramref name="totalCount"/> partitions.</summary>
    public async Task<TopicDescription> CreatePartitionsAsync(string topic, int totalCount, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        var description = await Topic(topic).CreatePartitionsAsync(totalCount, cancellationToken).ConfigureAwait(false);
        _metadata.Invalidate(topic);
        return description;
    }

    /// <summary>Deletes a topic; its data is deleted in the background and the name can be re-created at once.</summary>
    public async Task DeleteTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        await Topic(topic).DeleteAsync(cancellationToken).ConfigureAwait(false);
        _metadata.Invalidate(topic);
    }

    /// <summary>
    /// The offset for <paramref name="timestamp"/> in one partition: <see cref="OffsetSpec.Earliest"/>, <see cref="OffsetSpec.Latest"/>,
    /// or a Unix-ms timestamp (the first offset whose record timestamp is at least it; offset -1 when there is none).
    /// </summary>
    public async Task<OffsetAndTimestamp> ListOffsetAsync(TopicPartition partition, long timestamp, CancellationToken cancellationToken = default)
    {
        var description = await _metadata.GetAsync(partition.Topic, cancellationToken).ConfigureAwait(false);
        try
        {
            return await ListOffsetAsync(description, partition, timestamp, cancellationToken).ConfigureAwait(false);
        }
        catch (Errors.UnknownTopicException)
        {
            // The cached topic id may belong to a deleted incarnation of the name: refresh once (which throws if the topic is gone).
            description = await _metadata.RefreshAsync(partition.Topic, cancellationToken).ConfigureAwait(false);
            return await ListOffsetAsync(description, partition, timestamp, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<OffsetAndTimestamp> ListOffsetAsync(TopicDescription description, TopicPartition partition, long timestamp, CancellationToken cancellationToken)
    {
        if (partition.Partition < 0 || partition.Partition >= description.PartitionCount)
        {
            throw new Errors.UnknownTopicException($"Topic '{partition.Topic}' has partitions 0 to {description.PartitionCount - 1}; partition {partition.Partition} does not exist.");
        }

        return Partition(description, partition.Partition).ListOffsetAsync(timestamp, cancellationToken);
    }

    /// <summary>Lists the consumer groups with their state and member count.</summary>
    public async Task<IReadOnlyList<ConsumerGroupListing>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await _grains.GetCatalog(CatalogNames.Groups).ListAsync(cancellationToken).ConfigureAwait(false);
        var descriptions = await Task.WhenAll(ids.Select(id => Group(id).DescribeAsync(cancellationToken))).ConfigureAwait(false);
        return [.. descriptions.Select(d => new ConsumerGroupListing(d.GroupId, d.State, d.Members.Length, d.Protocol))];
    }

    /// <summary>Describes a consumer group: state, generation, assignor, members (client ids, hosts, assignments) and committed offsets; a group that does not exist is <see cref="GroupState.Dead"/>.</summary>
    public Task<GroupDescription> DescribeGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        GroupId.Validate(groupId);
        return Group(groupId).DescribeAsync(cancellationToken);
    }

    /// <summary>
    /// The group's lag in every partition of the topics it subscribes to or has committed offsets in: log end offset minus committed offset,
    /// with the member that owns each partition.
    /// </summary>
    public async Task<IReadOnlyList<PartitionLag>> ListGroupLagAsync(string groupId, CancellationToken cancellationToken = default)
    {
        var description = await DescribeGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        var owners = new Dictionary<TopicPartition, GroupMemberDescription>();
        foreach (var member in description.Members)
        {
            topics.UnionWith(member.Topics);
            foreach (var partition in member.Assignment)
            {
                owners[partition] = member;
            }
        }

        var committed = new Dictionary<TopicPartition, long>();
        foreach (var offset in description.Offsets)
        {
            topics.Add(offset.Topic);
            committed[offset.TopicPartition] = offset.Offset;
        }

        var lags = new List<PartitionLag>();
        foreach (var topic in topics)
        {
            IReadOnlyList<PartitionDescription> partitions;
            try
            {
                partitions = await DescribePartitionsAsync(topic, cancellationToken).ConfigureAwait(false);
            }
            catch (UnknownTopicException)
            {
                continue;
            }

            foreach (var partition in partitions)
            {
                var key = new TopicPartition(topic, partition.Partition);
                var offset = committed.GetValueOrDefault(key, -1);
                var owner = owners.GetValueOrDefault(key);
                var lag = partition.HighWatermark - (offset >= 0 ? offset : partition.LogStartOffset);
                lags.Add(new PartitionLag(topic, partition.Partition, offset, partition.HighWatermark, Math.Max(0, lag), owner?.MemberId, owner?.ClientId, owner?.Host));
            }
        }

        return lags;
    }

    /// <summary>The group's committed offsets, of every partition or of <paramref name="topic"/> only.</summary>
    public async Task<IReadOnlyList<CommittedOffset>> FetchCommittedOffsetsAsync(string groupId, string? topic = null, CancellationToken cancellationToken = default)
    {
        GroupId.Validate(groupId);
        var offsets = await Group(groupId).FetchOffsetsAsync(null, cancellationToken).ConfigureAwait(false);
        return topic is null ? offsets : [.. offsets.Where(o => o.Topic == topic)];
    }

    /// <summary>Deletes a group and its committed offsets; throws <see cref="GroupNotEmptyException"/> while it has members, <see cref="UnknownGroupException"/> if it does not exist.</summary>
    public async Task DeleteGroupAsync(string groupId, CancellationToken cancellationToken = default)
    {
        GroupId.Validate(groupId);
        await Group(groupId).DeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the group's committed offsets as <paramref name="spec"/> says and returns each partition's offset before and after; with
    /// <paramref name="dryRun"/> only computes them. Only while the group has no members: throws <see cref="GroupNotEmptyException"/> otherwise.
    /// </summary>
    public async Task<IReadOnlyList<OffsetResetResult>> ResetOffsetsAsync(string groupId, OffsetResetSpec spec, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        GroupId.Validate(groupId);
        var group = Group(groupId);
        await group.EnsureEmptyAsync(cancellationToken).ConfigureAwait(false);
        var topic = await _metadata.RefreshAsync(spec.Topic, cancellationToken).ConfigureAwait(false);
        if (!Enum.IsDefined(spec.Kind))
        {
            throw new InvalidRequestException($"Offset reset kind {spec.Kind} is unknown; use ToEarliest, ToLatest, ToOffset, ToDatetime or ShiftBy.");
        }

        var partitions = spec.Partitions ?? [.. Enumerable.Range(0, topic.PartitionCount)];
        if (partitions.Count == 0)
        {
            throw new InvalidRequestException($"The offset reset of topic '{spec.Topic}' names no partitions; leave Partitions null for all of them.");
        }

        foreach (var partition in partitions)
        {
            if (partition < 0 || partition >= topic.PartitionCount)
            {
                throw new UnknownTopicException($"Topic '{spec.Topic}' has partitions 0 to {topic.PartitionCount - 1}; partition {partition} does not exist.");
            }
        }

        var committed = (await group.FetchOffsetsAsync([.. partitions.Select(p => new TopicPartition(spec.Topic, p))], cancellationToken).ConfigureAwait(false))
            .ToDictionary(o => o.Partition, o => o.Offset);
        var results = new List<OffsetResetResult>(partitions.Count);
        foreach (var partition in partitions)
        {
            var previous = committed.GetValueOrDefault(partition, -1);
            var target = await ResetTargetAsync(topic, partition, spec, previous, cancellationToken).ConfigureAwait(false);
            results.Add(new OffsetResetResult(spec.Topic, partition, previous, target));
        }

        if (!dryRun)
        {
            await group.ResetOffsetsAsync([.. results.Select(r => new CommittedOffset(r.Topic, r.Partition, r.NewOffset))], cancellationToken).ConfigureAwait(false);
        }

        return results;
    }

    private async Task<long> ResetTargetAsync(TopicDescription topic, int partition, OffsetResetSpec spec, long previous, CancellationToken cancellationToken)
    {
        var grain = Partition(topic, partition);
        var earliest = (await grain.ListOffsetAsync(OffsetSpec.Earliest, cancellationToken).ConfigureAwait(false)).Offset;
        var latest = (await grain.ListOffsetAsync(OffsetSpec.Latest, cancellationToken).ConfigureAwait(false)).Offset;
        long target;
        switch (spec.Kind)
        {
            case OffsetResetKind.ToEarliest:
                target = earliest;
                break;
            case OffsetResetKind.ToLatest:
                target = latest;
                break;
            case OffsetResetKind.ToOffset:
                if (spec.Value < 0)
                {
                    throw new InvalidRequestException($"Cannot reset to offset {spec.Value}; use an offset of 0 or more (it is clamped to the log's range).");
                }

                target = spec.Value;
                break;
            case OffsetResetKind.ToDatetime:
                var found = await grain.ListOffsetAsync(spec.Timestamp.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
                target = found.Offset < 0 ? latest : found.Offset;
                break;
            default:
                if (previous < 0)
                {
                    throw new InvalidRequestException($"Cannot shift the offset of {spec.Topic}-{partition}: the group has no committed offset there; reset it to earliest, latest, an offset or a time instead.");
                }

                target = previous + spec.Value;
                break;
        }

        return Math.Clamp(target, earliest, latest);
    }

    private IConsumerGroupGrain Group(string groupId) => _grains.GetGrain<IConsumerGroupGrain>(groupId);

    private ITopicGrain Topic(string topic) => _grains.GetGrain<ITopicGrain>(topic);

    private IPartitionGrain Partition(TopicDescription topic, int partition) =>
        _grains.GetPartition(topic.Name, topic.TopicId, partition);
}
