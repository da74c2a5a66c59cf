using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace OrleansLog.Kafka.Brokers;

/// <summary>
/// Which silo hosts each partition's grain, for Metadata to name that silo's broker as the partition's leader (the client then
/// sends to the silo that holds the partition and saves a hop; any broker would accept it). Answers come from Orleans' directory
/// through the management grain, without activating anything, and are cached; a Metadata request waits for missing answers only
/// briefly (its caller says how long), and the leader of a partition whose answer is late is the answering broker.
/// </summary>
internal sealed partial class KafkaPartitionLeaders(IGrainFactory grains, TimeProvider time, ILogger<KafkaPartitionLeaders> logger)
{
    /// <summary>How long a found host is used before it is looked up again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    /// <summary>How long "not active anywhere" is used: the next produce or fetch activates the partition somewhere.</summary>
    public static readonly TimeSpan MaxAgeInactive = TimeSpan.FromSeconds(5);

    /// <summary>The most lookups in flight at once; beyond them a partition's leader is the answering broker.</summary>
    public const int MaxPendingLookups = 1024;

    private const int MaxConcurrentLookups = 16;
    private const int MaxCachedPartitions = 100_000;

    private readonly ConcurrentDictionary<(Guid TopicId, int Partition), (SiloAddress? Host, long FoundAt)> _hosts = new();
    private readonly ConcurrentDictionary<(Guid TopicId, int Partition), Task> _pending = new();
    private readonly SemaphoreSlim _concurrency = new(MaxConcurrentLookups);

    /// <summary>The silo hosting each of the topic's partitions, null where that is not known.</summary>
    /// <param name="topic">The topic's name.</param>
    /// <param name="topicId">The topic's id.</param>
    /// <param name="partitionCount">The topic's partition count.</param>
    /// <param name="wait">How long to wait for lookups this call starts; they go on after it and fill the cache.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async ValueTask<SiloAddress?[]> FindHostsAsync(string topic, Guid topicId, int partitionCount, TimeSpan wait, CancellationToken cancellationToken)
    {
        var hosts = new SiloAddress?[partitionCount];
        List<Task>? started = null;
        for (var partition = 0; partition < partitionCount; partition++)
        {
            var key = (topicId, partition);
            if (_hosts.TryGetValue(key, out var found))
            {
                hosts[partition] = found.Host;
                if (time.GetElapsedTime(found.FoundAt) < (found.Host is null ? MaxAgeInactive : MaxAge))
                {
                    continue;
                }
            }

            if (StartLookup(topic, key) is { } lookup)
            {
                (started ??= []).Add(lookup);
            }
        }

        if (started is null || wait <= TimeSpan.Zero)
        {
            return hosts;
        }

        try
        {
            await Task.WhenAll(started).WaitAsync(wait, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Answers that come later serve the next request.
        }

        for (var partition = 0; partition < partitionCount; partition++)
        {
            if (_hosts.TryGetValue((topicId, partition), out var found))
            {
                hosts[partition] = found.Host;
            }
        }

        return hosts;
    }

    private Task? StartLookup(string topic, (Guid TopicId, int Partition) key)
    {
        if (_pending.TryGetValue(key, out var running))
        {
            return running;
        }

        if (_pending.Count >= MaxPendingLookups)
        {
            return null;
        }

        var lookup = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, lookup.Task))
        {
            return _pending.GetValueOrDefault(key);
        }

        _ = LookUpAsync(topic, key, lookup);
        return lookup.Task;
    }

    private async Task LookUpAsync(string topic, (Guid TopicId, int Partition) key, TaskCompletionSource done)
    {
        try
        {
            await _concurrency.WaitAsync().ConfigureAwait(false);
            try
            {
                var partition = grains.GetPartition(topic, key.TopicId, key.Partition);
                var host = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(partition).ConfigureAwait(false);
                if (_hosts.Count >= MaxCachedPartitions)
                {
                    // Deleted topics' partitions would otherwise stay forever; everything is looked up again as needed.
                    _hosts.Clear();
                }

                _hosts[key] = (host, time.GetTimestamp());
            }
            finally
            {
                _concurrency.Release();
            }
        }
        catch (Exception e)
        {
            // The leader is then the answering broker, which accepts the partition as well; the lookup is tried again later.
            _hosts[key] = (null, time.GetTimestamp());
            LogLookupFailed(e, topic, key.Partition);
        }
        finally
        {
            _pending.TryRemove(key, out _);
            done.TrySetResult();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not find the silo hosting {Topic}-{Partition}; Metadata names the answering broker as its leader")]
    private partial void LogLookupFailed(Exception error, string topic, int partition);
}
