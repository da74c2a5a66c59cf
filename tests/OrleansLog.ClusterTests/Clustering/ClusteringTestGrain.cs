using Orleans.Placement;

namespace OrleansLog.ClusterTests.Clustering;

/// <summary>Counts calls in memory; random placement spreads activations over the silos.</summary>
[RandomPlacement]
public sealed class ClusteringTestGrain(ILocalSiloDetails silo) : Grain, IClusteringTestGrain
{
    private int _count;

    /// <inheritdoc />
    public Task<ClusteringTestCall> CallAsync() => Task.FromResult(new ClusteringTestCall(++_count, silo.SiloAddress));
}
