namespace OrleansLog.Topics;

/// <summary>The durable state of the catalog grain: the names of the existing topics.</summary>
[GenerateSerializer]
public sealed class CatalogState
{
    /// <summary>The topic names.</summary>
    [Id(0)]
    public HashSet<string> Topics { get; set; } = new(StringComparer.Ordinal);
}
