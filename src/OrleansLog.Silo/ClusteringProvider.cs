namespace OrleansLog.Silo;

/// <summary>How silos find each other.</summary>
public enum ClusteringProvider
{
    /// <summary>One silo on this machine; no membership table.</summary>
    Localhost = 0,

    /// <summary>Any number of silos sharing a membership table in Azure Table storage.</summary>
    AzureTable = 1,
}
