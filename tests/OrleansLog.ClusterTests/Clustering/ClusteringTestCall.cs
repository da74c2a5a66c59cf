namespace OrleansLog.ClusterTests.Clustering;

/// <summary>What one call to an <see cref="IClusteringTestGrain"/> saw.</summary>
/// <param name="Count">Calls this activation has served, this one included.</param>
/// <param name="Silo">The silo hosting the activation.</param>
[GenerateSerializer, Immutable]
public sealed record ClusteringTestCall([property: Id(0)] int Count, [property: Id(1)] SiloAddress Silo);
