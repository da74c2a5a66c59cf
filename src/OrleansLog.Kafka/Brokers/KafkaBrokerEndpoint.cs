namespace OrleansLog.Kafka.Brokers;

/// <summary>One silo's Kafka broker as clients see it in Metadata: its node id and the endpoint it advertises.</summary>
/// <param name="Silo">The silo that serves it; membership decides whether it is listed.</param>
/// <param name="NodeId">The broker's node id, stable while the silo lives.</param>
/// <param name="Host">The host clients connect to.</param>
/// <param name="Port">The port clients connect to.</param>
[GenerateSerializer, Immutable]
internal sealed record KafkaBrokerEndpoint(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] int NodeId,
    [property: Id(2)] string Host,
    [property: Id(3)] int Port);
