using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OrleansLog.Catalogs;
using OrleansLog.Topics;

namespace OrleansLog.Partitions;

/// <summary>
/// Brings a dead silo's partitions back without waiting for their next request. When the membership declares a silo dead, one
/// surviving silo (the active one with the lowest address) describes every topic's partitions: that answers idle partitions from
/// their stored manifests and asks every partition whose manifest shows no clean stop, which activates, and so recovers, each one
/// the dead silo left behind. The consumers of an idle partition then do not pay its recovery, and its log end is known at once.
/// </summary>
/// <remarks>A silo that stopped gracefully ends as dead too; its partitions stopped cleanly, so the pass reads manifests only.</remarks>
internal sealed partial class PartitionKeeper(
    IClusterMembershipService membership, ILocalSiloDetails local, IGrainFactory grains, ILogger<PartitionKeeper> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private const int Attempts = 5;

    private readonly CancellationTokenSource _stopping = new();
    private Task _watch = Task.CompletedTask;

    /// <summary>Raised with the number of partitions described each time a pass for newly dead silos ends (for tests).</summary>
    public event Action<int>? PassCompleted;

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PartitionKeeper), ServiceLifecycleStage.Active, _ =>
        {
            _watch = Task.Run(() => WatchAsync(_stopping.Token));
            return Task.CompletedTask;
        }, async cancellationToken =>
        {
            await _stopping.CancelAsync();
            await _watch.WaitAsync(cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
        });

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        // Silos already dead when this one starts were handled by whoever was the keeper then.
        var known = new HashSet<SiloAddress>(membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress));
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                var died = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && known.Add(m.SiloAddress)).Select(m => m.SiloAddress).ToList();
                if (died.Count == 0 || !IsKeeper(snapshot))
                {
                    continue;
                }

                await KeepAsync(died, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    // Every silo sees the same membership, so exactly one picks itself; a keeper that dies mid-pass leaves the work to the next.
    private bool IsKeeper(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).MinBy(s => s.ToParsableString(), StringComparer.Ordinal) is { } keeper
        && keeper.Equals(local.SiloAddress);

    private async Task KeepAsync(List<SiloAddress> died, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var described = 0;
        try
        {
            var topics = await RetryAsync(() => grains.GetCatalog(CatalogNames.Topics).ListAsync(cancellationToken), cancellationToken);
            foreach (var name in topics)
            {
                described += await DescribeAllAsync(grains.GetGrain<ITopicGrain>(name), cancellationToken);
            }

            LogPassCompleted(string.Join(", ", died), described, topics.Length, clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Best effort: a partition not reached here recovers on its next request, as before.
            LogPassFailed(string.Join(", ", died), described, e.Message);
        }

        PassCompleted?.Invoke(described);
    }

    private async Task<int> DescribeAllAsync(ITopicGrain topic, CancellationToken cancellationToken)
    {
        TopicDescription description;
        try
        {
            description = await RetryAsync(() => topic.DescribeAsync(cancellationToken), cancellationToken);
        }
        catch (Errors.UnknownTopicException)
        {
            return 0; // deleted meanwhile
        }

        for (var first = 0; first < description.PartitionCount; first += ITopicGrain.MaxPartitionsPerRequest)
        {
            var page = Enumerable.Range(first, Math.Min(ITopicGrain.MaxPartitionsPerRequest, description.PartitionCount - first)).ToArray();
            await RetryAsync(() => topic.DescribePartitionsAsync(page, cancellationToken), cancellationToken);
        }

        return description.PartitionCount;
    }

    // Right after a death some calls still meet the dead silo (its directory range is leased for a moment): try again shortly.
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (attempt < Attempts && e is TimeoutException or OrleansException or Errors.NotLeaderException or Errors.StorageException)
            {
                await Task.Delay(RetryDelay, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {Dead} left the cluster: described {Partitions} partitions of {Topics} topics in {ElapsedMs:F0} ms, which recovered those it had hosted")]
    private partial void LogPassCompleted(string dead, int partitions, int topics, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo {Dead} left the cluster: bringing its partitions back stopped after {Partitions} partitions ({Reason}); the rest recover on their next request")]
    private partial void LogPassFailed(string dead, int partitions, string reason);
}
