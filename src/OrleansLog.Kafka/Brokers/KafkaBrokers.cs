using Microsoft.Extensions.Logging;
using OrleansLog.Kafka.Listener;

namespace OrleansLog.Kafka.Brokers;

/// <summary>
/// The Kafka brokers of the cluster as this silo lists them in Metadata: every active silo's endpoint, learned from the cluster's
/// <see cref="IKafkaBrokerRegistryGrain"/> (asking it also registers this silo) and filtered by this silo's view of membership on
/// every request, so a silo that leaves disappears as soon as membership says so. The registry is asked again after
/// <see cref="MaxAge"/>, or sooner when membership shows an active silo whose endpoint is not known yet.
/// </summary>
internal sealed partial class KafkaBrokers(
    KafkaBroker local,
    IGrainFactory grains,
    IClusterMembershipService membership,
    TimeProvider time,
    ILogger<KafkaBrokers> logger)
{
    /// <summary>How long the registry's answer is used before a Metadata request asks again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    /// <summary>The least time between two looks at the registry, so a silo that serves no Kafka does not cause one per request.</summary>
    public static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a Metadata request waits for the registry before it answers with what is known.</summary>
    public static readonly TimeSpan MaxRefreshWait = TimeSpan.FromSeconds(2);

    private readonly KafkaBrokerList _known = new();
    private readonly Lock _lock = new();
    private Task? _refreshing;
    private long? _refreshedAt;
    private long? _attemptedAt;

    /// <summary>This silo's broker (its port is known once Kestrel has bound the listener).</summary>
    public KafkaBrokerEndpoint Local => new(local.SiloAddress, local.NodeId, local.Host, local.Port);

    /// <summary>This silo's broker's node id.</summary>
    public int LocalNodeId => local.NodeId;

    /// <summary>The brokers to list, by node id; this silo's is always among them.</summary>
    /// <param name="cancellationToken">Cancels the wait for the registry (the answer then uses what is known).</param>
    public async ValueTask<IReadOnlyList<KafkaBrokerEndpoint>> GetActiveAsync(CancellationToken cancellationToken)
    {
        if (NeedsRefresh(membership.CurrentSnapshot))
        {
            try
            {
                await RefreshAsync().WaitAsync(MaxRefreshWait, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The refresh goes on in the background; this answer uses what is known.
                LogRegistrySlow(MaxRefreshWait);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(e);
            }
        }

        return _known.Active(Local, membership.CurrentSnapshot.GetSiloStatus);
    }

    /// <summary>Registers this silo's broker with the registry and takes in every broker it knows; one call at a time.</summary>
    public Task RefreshAsync()
    {
        lock (_lock)
        {
            if (_refreshing is { IsCompleted: false } running)
            {
                return running;
            }

            _attemptedAt = time.GetTimestamp();
            return _refreshing = RefreshCoreAsync();
        }
    }

    private async Task RefreshCoreAsync()
    {
        var registry = grains.GetGrain<IKafkaBrokerRegistryGrain>(KafkaBrokerRegistryGrain.Key);
        var registered = await registry.RegisterAsync(Local).ConfigureAwait(false);
        _known.Merge(registered, membership.CurrentSnapshot.GetSiloStatus);
        lock (_lock)
        {
            _refreshedAt = time.GetTimestamp();
        }
    }

    private bool NeedsRefresh(ClusterMembershipSnapshot snapshot)
    {
        long? refreshedAt, attemptedAt;
        lock (_lock)
        {
            (refreshedAt, attemptedAt) = (_refreshedAt, _attemptedAt);
        }

        if (attemptedAt is { } attempted && time.GetElapsedTime(attempted) < MinRefreshInterval)
        {
            return false;
        }

        return refreshedAt is not { } refreshed
            || time.GetElapsedTime(refreshed) >= MaxAge
            || _known.LacksAny(snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress), local.SiloAddress);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Kafka broker registry did not answer within {Wait}; Metadata lists the brokers known so far")]
    private partial void LogRegistrySlow(TimeSpan wait);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the Kafka broker registry failed; Metadata lists the brokers known so far")]
    private partial void LogRefreshFailed(Exception error);
}
