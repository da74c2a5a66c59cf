namespace OrleansLog.Catalogs;

/// <summary>The catalogs a cluster keeps, by the key of their <see cref="ICatalogGrain"/>.</summary>
public static class CatalogNames
{
    /// <summary>The names of the existing topics.</summary>
    public const string Topics = "topics";

    /// <summary>The ids of the existing consumer groups.</summary>
    public const string Groups = "groups";
}
