namespace OrleansLog.Catalogs;

/// <summary>The durable state of a catalog grain: the names it lists.</summary>
[GenerateSerializer]
internal sealed class CatalogState
{
    /// <summary>The names, compared ordinally.</summary>
    [Id(0)]
    public HashSet<string> Names { get; set; } = new(StringComparer.Ordinal);
}
