namespace OrleansLog.ClusterTests.Clustering;

/// <summary>A tiny grain that counts calls to its activation and says which silo hosts it.</summary>
public interface IClusteringTestGrain : IGrainWithIntegerKey
{
    /// <summary>Counts one call and returns the count of this activation and its silo.</summary>
    Task<ClusteringTestCall> CallAsync();
}
