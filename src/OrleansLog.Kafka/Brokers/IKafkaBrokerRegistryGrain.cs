using System.Collections.Immutable;

namespace OrleansLog.Kafka.Brokers;

/// <summary>
/// The cluster's list of Kafka broker endpoints, one per silo that serves Kafka. Its state is in memory only: every silo registers
/// again every few seconds, so an activation that moved or restarted is full again within one registration interval.
/// </summary>
internal interface IKafkaBrokerRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records (or refreshes) <paramref name="broker"/> and answers every registered broker whose silo is not known to be gone.</summary>
    Task<ImmutableArray<KafkaBrokerEndpoint>> RegisterAsync(KafkaBrokerEndpoint broker);
}
