namespace OrleansLog.Catalogs;

/// <summary>
/// A cluster-wide set of names of one kind, for listing: one grain per kind, keyed by a <see cref="CatalogNames"/> value. Topic and group
/// grains add themselves on creation and remove themselves on deletion.
/// </summary>
[Alias("OrleansLog.Catalogs.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithStringKey
{
    /// <summary>Records that a name exists.</summary>
    [Alias("Add")]
    Task AddAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Records that a name was deleted.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists the names in ordinal order.</summary>
    [Alias("List")]
    Task<string[]> ListAsync(CancellationToken cancellationToken = default);
}
