namespace OrleansLog.Silo;

/// <summary>Cluster membership settings (section <c>OrleansLog:Clustering</c>).</summary>
public sealed class ClusteringSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "OrleansLog:Clustering";

    /// <summary><see cref="ClusteringProvider.Localhost"/> for one silo, <see cref="ClusteringProvider.AzureTable"/> for many.</summary>
    public ClusteringProvider Provider { get; set; } = ClusteringProvider.Localhost;

    /// <summary>A connection string for the membership table's storage account; defaults to the storage connection string.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The table endpoint, authenticated with <c>DefaultAzureCredential</c> (managed identity in Azure).</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>The client id of a user-assigned managed identity for the table endpoint.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The membership table's name.</summary>
    public string TableName { get; set; } = "OrleansLogSilos";
}
