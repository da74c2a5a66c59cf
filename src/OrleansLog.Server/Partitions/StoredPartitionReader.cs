using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using OrleansLog.Hosting;

namespace OrleansLog.Partitions;

/// <summary>
/// Describes partitions and finds their earliest and latest offsets from their stored manifests (one small blob read each), so that
/// describing a topic or listing its offsets does not activate its idle partitions. Only a partition whose manifest cannot say
/// (an activation runs now, or the last one crashed) is asked itself; such an idle partition is activated and recovers.
/// </summary>
/// <remarks>At most <see cref="PartitionOptions.DescribeConcurrency"/> partitions of one request are read or asked at once.</remarks>
internal sealed class StoredPartitionReader(IGrainFactory grains, IServiceProvider services, IOptions<PartitionOptions> options)
{
    private readonly IGrainStorage _storage = services.GetRequiredKeyedService<IGrainStorage>(OrleansLogSiloBuilderExtensions.StorageName);

    /// <summary>Describes <paramref name="partitions"/> of the topic incarnation <paramref name="topicId"/>, in the order given (with dirty ratios when <paramref name="compacted"/>).</summary>
    public async Task<PartitionDescription[]> DescribeAsync(string topic, Guid topicId, int[] partitions, bool compacted = false, CancellationToken cancellationToken = default)
    {
        var results = new PartitionDescription[partitions.Length];
        await ForEachAsync(partitions.Length, async i =>
        {
            var (grain, stored) = await ReadManifestAsync(topic, topicId, partitions[i]).ConfigureAwait(false);
            results[i] = stored is null
                ? Empty(partitions[i])
                : stored.DescribeStopped(partitions[i], compacted) ?? await grain.DescribeAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// The offset for <paramref name="timestamp"/> (<see cref="OffsetSpec.Earliest"/>, <see cref="OffsetSpec.Latest"/> or Unix ms)
    /// in each of <paramref name="partitions"/>. A timestamp needs the partition's own index, so partitions holding records are asked
    /// (and activated) for it; empty ones answer -1 from storage.
    /// </summary>
    public async Task<OffsetAndTimestamp[]> ListOffsetsAsync(string topic, Guid topicId, int[] partitions, long timestamp, CancellationToken cancellationToken = default)
    {
        var results = new OffsetAndTimestamp[partitions.Length];
        await ForEachAsync(partitions.Length, async i =>
        {
            var (grain, stored) = await ReadManifestAsync(topic, topicId, partitions[i]).ConfigureAwait(false);
            var description = stored is null ? Empty(partitions[i]) : stored.DescribeStopped(partitions[i]);
            results[i] = description is null
                ? await grain.ListOffsetAsync(timestamp, cancellationToken).ConfigureAwait(false)
                : StoredOffset(description, timestamp) ?? await grain.ListOffsetAsync(timestamp, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>
    /// Stops and forgets partitions 0 to <paramref name="partitionCount"/> - 1 of a topic being deleted, activating none that is idle:
    /// a partition never activated has nothing to forget, an idle one has its manifest cleared in storage, and only one that may be
    /// active (or changes its manifest meanwhile) is told itself, so that it fails its waiting calls.
    /// </summary>
    /// <remarks>The topic is already marked deleted, so no partition can start recovering from now on.</remarks>
    public Task DeleteAsync(string topic, Guid topicId, int partitionCount) =>
        ForEachAsync(partitionCount, async p =>
        {
            var grain = Grain(topic, topicId, p);
            var state = await ReadStateAsync(grain).ConfigureAwait(false);
            if (!state.RecordExists)
            {
                return;
            }

            if (state.State?.StoppedHighWatermark is not null)
            {
                try
                {
                    // ETag-conditional: fails if an activation bumped the epoch since the read.
                    await _storage.ClearStateAsync(PartitionGrain.ManifestStateName, grain.GetGrainId(), state).ConfigureAwait(false);
                    return;
                }
                catch (InconsistentStateException)
                {
                }
            }

            await grain.DeleteAsync().ConfigureAwait(false);
        });

    /// <summary>What a partition's stored description answers for <paramref name="timestamp"/>; null when only the partition's index can.</summary>
    internal static OffsetAndTimestamp? StoredOffset(PartitionDescription description, long timestamp) => timestamp switch
    {
        OffsetSpec.Earliest => new OffsetAndTimestamp(description.LogStartOffset, -1),
        OffsetSpec.Latest => new OffsetAndTimestamp(description.HighWatermark, -1),
        _ when description.HighWatermark == description.LogStartOffset => new OffsetAndTimestamp(-1, -1),
        _ => null,
    };

    // A partition with no manifest has never been activated (activation writes its epoch first), so it holds nothing.
    private static PartitionDescription Empty(int partition) => new(partition, 0, 0, 0, 0, 0, Host: null);

    private async Task<(IPartitionGrain Grain, PartitionManifest? Stored)> ReadManifestAsync(string topic, Guid topicId, int partition)
    {
        var grain = Grain(topic, topicId, partition);
        var state = await ReadStateAsync(grain).ConfigureAwait(false);
        return (grain, state.RecordExists ? state.State : null);
    }

    private IPartitionGrain Grain(string topic, Guid topicId, int partition) =>
        grains.GetGrain<IPartitionGrain>(new PartitionGrainKey(topic, topicId, partition).ToString());

    private async Task<GrainState<PartitionManifest>> ReadStateAsync(IPartitionGrain grain)
    {
        var state = new GrainState<PartitionManifest>();
        await _storage.ReadStateAsync(PartitionGrain.ManifestStateName, grain.GetGrainId(), state).ConfigureAwait(false);
        return state;
    }

    private Task ForEachAsync(int count, Func<int, Task> body, CancellationToken cancellationToken = default) =>
        Parallel.ForEachAsync(
            Enumerable.Range(0, count),
            // The thread pool, not the calling grain's scheduler: the calling turn only waits for the results.
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.DescribeConcurrency, TaskScheduler = TaskScheduler.Default, CancellationToken = cancellationToken },
            async (i, _) => await body(i).ConfigureAwait(false));
}
