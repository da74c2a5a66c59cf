using Microsoft.Extensions.Logging;
using OrleansLog.Catalogs;
using OrleansLog.Errors;
using OrleansLog.Hosting;
using OrleansLog.Partitions;
using OrleansLog.Segments;

namespace OrleansLog.Topics;

/// <summary>Owns one topic: validates and stores its id, partition count and configuration, and deletes it.</summary>
[GrainType(GrainTypes.Topic)]
internal sealed partial class TopicGrain(
    [PersistentState("topic", OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<TopicState> state,
    ISegmentStore store,
    StoredPartitionReader storedPartitions,
    TimeProvider time,
    ILogger<TopicGrain> logger) : Grain, ITopicGrain
{
    private static readonly TimeSpan PurgeRetryInterval = TimeSpan.FromSeconds(30);

    private IGrainTimer? _purgeTimer;

    private string Name => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.PendingPurges.Count > 0)
        {
            StartPurge();
        }

        return Task.CompletedTask;
    }

    public async Task<TopicDescription> CreateAsync(int partitionCount, IReadOnlyDictionary<string, string>? configs, CancellationToken cancellationToken)
    {
        TopicName.Validate(Name);
        ValidatePartitionCount(partitionCount);
        var config = TopicConfig.Parse(configs);
        if (state.State.Exists)
        {
            throw new TopicAlreadyExistsException($"Topic '{Name}' already exists (id {state.State.TopicId}, {state.State.PartitionCount} partitions).");
        }

        state.State.Exists = true;
        state.State.TopicId = Guid.NewGuid();
        state.State.PartitionCount = partitionCount;
        state.State.Configs = configs is null ? [] : new Dictionary<string, string>(configs, StringComparer.Ordinal);
        state.State.CreatedAt = time.GetUtcNow();
        await state.WriteStateAsync();
        await GrainFactory.GetCatalog(CatalogNames.Topics).AddAsync(Name);
        LogCreated(Name, state.State.TopicId, partitionCount);
        return Describe(config);
    }

    public Task<TopicDescription> DescribeAsync(CancellationToken cancellationToken)
    {
        ThrowIfMissing();
        return Task.FromResult(Describe(TopicConfig.Parse(state.State.Configs)));
    }

    public Task<PartitionDescription[]> DescribePartitionsAsync(int[] partitions, CancellationToken cancellationToken)
    {
        ThrowIfMissing();
        ValidatePartitions(partitions);
        return storedPartitions.DescribeAsync(Name, state.State.TopicId, partitions, TopicConfig.Parse(state.State.Configs).Compacts, cancellationToken);
    }

    public Task<OffsetAndTimestamp[]> ListOffsetsAsync(int[] partitions, long timestamp, CancellationToken cancellationToken)
    {
        ThrowIfMissing();
        ValidatePartitions(partitions);
        if (timestamp < 0 && timestamp is not OffsetSpec.Earliest and not OffsetSpec.Latest)
        {
            throw new InvalidRequestException($"List offsets takes a timestamp in ms, -1 (latest) or -2 (earliest); got {timestamp}.");
        }

        return storedPartitions.ListOffsetsAsync(Name, state.State.TopicId, partitions, timestamp, cancellationToken);
    }

    private void ValidatePartitions(int[] requested)
    {
        if (requested.Length > ITopicGrain.MaxPartitionsPerRequest)
        {
            throw new InvalidRequestException($"One request covers at most {ITopicGrain.MaxPartitionsPerRequest} partitions; got {requested.Length}. Page through them.");
        }

        foreach (var partition in requested)
        {
            if (partition < 0 || partition >= state.State.PartitionCount)
            {
                throw new UnknownTopicException($"Topic '{Name}' has partitions 0 to {state.State.PartitionCount - 1}; partition {partition} does not exist.");
            }
        }
    }

    public async Task<TopicDescription> AlterConfigsAsync(IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken)
    {
        ThrowIfMissing();
        var configs = new Dictionary<string, string>(state.State.Configs, StringComparer.Ordinal);
        foreach (var (key, value) in changes)
        {
            if (value is null)
            {
                if (!TopicConfig.Keys.ContainsKey(key))
                {
                    throw new InvalidConfigException($"Unknown topic config '{key}'. Known keys: {string.Join(", ", TopicConfig.Keys.Keys)}.");
                }

                configs.Remove(key);
            }
            else
            {
                configs[key] = value;
            }
        }

        var config = TopicConfig.Parse(configs);
        state.State.Configs = configs;
        await state.WriteStateAsync();
        await ForEachPartitionAsync(p => p.UpdateConfigAsync(config));
        return Describe(config);
    }

    public async Task<TopicDescription> CreatePartitionsAsync(int totalCount, CancellationToken cancellationToken)
    {
        ThrowIfMissing();
        ValidatePartitionCount(totalCount);
        if (totalCount <= state.State.PartitionCount)
        {
            throw new InvalidPartitionsException(
                $"Topic '{Name}' has {state.State.PartitionCount} partitions; the new count {totalCount} must be larger (partitions can be added, never removed).");
        }

        state.State.PartitionCount = totalCount;
        await state.WriteStateAsync();
        return Describe(TopicConfig.Parse(state.State.Configs));
    }

    public async Task DeleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfMissing();
        var topicId = state.State.TopicId;
        var partitionCount = state.State.PartitionCount;
        state.State.Exists = false;
        state.State.PendingPurges.Add(topicId);
        await state.WriteStateAsync();
        await GrainFactory.GetCatalog(CatalogNames.Topics).RemoveAsync(Name);

        // Stop the partitions first, so nothing appends while the blobs go; idle ones are not activated for it.
        try
        {
            await storedPartitions.DeleteAsync(Name, topicId, partitionCount);
        }
        finally
        {
            // The purge is recorded in state and retried on a timer, so blobs go even if a partition failed to stop.
            StartPurge();
        }

        LogDeleted(Name, topicId);
    }

    public Task<TopicConfig> GetPartitionConfigAsync(Guid topicId, int partition, CancellationToken cancellationToken)
    {
        if (!state.State.Exists || state.State.TopicId != topicId)
        {
            throw new UnknownTopicException($"Topic '{Name}' with id {topicId} does not exist (it was deleted or re-created); refresh the topic's metadata.");
        }

        if (partition < 0 || partition >= state.State.PartitionCount)
        {
            throw new UnknownTopicException($"Topic '{Name}' has partitions 0 to {state.State.PartitionCount - 1}; partition {partition} does not exist.");
        }

        return Task.FromResult(TopicConfig.Parse(state.State.Configs));
    }

    private void StartPurge()
    {
        _purgeTimer ??= this.RegisterGrainTimer(PurgeAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero,
            Period = PurgeRetryInterval,
            Interleave = false,
            KeepAlive = true,
        });
    }

    // Deletes the blobs of deleted incarnations; runs on a timer so a failure is retried, even after a move of the grain.
    private async Task PurgeAsync(CancellationToken cancellationToken)
    {
        foreach (var topicId in state.State.PendingPurges.ToArray())
        {
            var deleted = await store.DeletePrefixAsync(SegmentPaths.TopicPrefix(topicId), cancellationToken);
            state.State.PendingPurges.Remove(topicId);
            await state.WriteStateAsync();
            LogPurged(Name, topicId, deleted);
        }

        _purgeTimer?.Dispose();
        _purgeTimer = null;
    }

    private Task ForEachPartitionAsync(Func<IPartitionGrain, Task> action)
    {
        var tasks = new Task[state.State.PartitionCount];
        for (var p = 0; p < tasks.Length; p++)
        {
            tasks[p] = action(GrainFactory.GetPartition(Name, state.State.TopicId, p));
        }

        return Task.WhenAll(tasks);
    }

    private void ThrowIfMissing()
    {
        if (!state.State.Exists)
        {
            throw new UnknownTopicException($"Topic '{Name}' does not exist; create it first (list topics to see what exists).");
        }
    }

    private static void ValidatePartitionCount(int count)
    {
        if (count is < 1 or > ITopicGrain.MaxPartitions)
        {
            throw new InvalidPartitionsException($"A topic has 1 to {ITopicGrain.MaxPartitions} partitions; {count} is out of range.");
        }
    }

    private TopicDescription Describe(TopicConfig config) => new(
        Name,
        state.State.TopicId,
        state.State.PartitionCount,
        config,
        new Dictionary<string, string>(state.State.Configs, StringComparer.Ordinal),
        state.State.CreatedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created topic {Topic} (id {TopicId}) with {Partitions} partitions")]
    private partial void LogCreated(string topic, Guid topicId, int partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted topic {Topic} (id {TopicId}); its blobs are deleted in the background")]
    private partial void LogDeleted(string topic, Guid topicId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Blobs} blobs of deleted topic {Topic} (id {TopicId})")]
    private partial void LogPurged(string topic, Guid topicId, int blobs);
}
