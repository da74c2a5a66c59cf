using System.Collections.Immutable;

namespace OrleansLog.Kafka.Brokers;

/// <summary>The cluster's one <see cref="IKafkaBrokerRegistryGrain"/>; entries of silos that membership has seen leave are dropped.</summary>
[GrainType(GrainTypeName)]
internal sealed class KafkaBrokerRegistryGrain(IClusterMembershipService membership) : Grain, IKafkaBrokerRegistryGrain
{
    /// <summary>The registry's grain type.</summary>
    public const string GrainTypeName = "orleanslog.kafka-brokers";

    /// <summary>The key of the cluster's one registry.</summary>
    public const long Key = 0;

    private readonly Dictionary<SiloAddress, KafkaBrokerEndpoint> _brokers = [];

    /// <inheritdoc />
    public Task<ImmutableArray<KafkaBrokerEndpoint>> RegisterAsync(KafkaBrokerEndpoint broker)
    {
        _brokers[broker.Silo] = broker;
        var snapshot = membership.CurrentSnapshot;
        var live = ImmutableArray.CreateBuilder<KafkaBrokerEndpoint>(_brokers.Count);
        foreach (var (silo, endpoint) in _brokers)
        {
            if (KafkaBrokerList.HasLeft(snapshot.GetSiloStatus(silo)))
            {
                _brokers.Remove(silo);
            }
            else
            {
                live.Add(endpoint);
            }
        }

        return Task.FromResult(live.ToImmutable());
    }
}
