using OrleansLog.Hosting;

namespace OrleansLog.Catalogs;

/// <summary>Keeps one of the cluster's catalogs (topic names or group ids); the grains it lists add and remove themselves.</summary>
[GrainType(GrainTypes.Catalog)]
internal sealed class CatalogGrain(
    [PersistentState("catalog", OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<CatalogState> state) : Grain, ICatalogGrain
{
    public async Task AddAsync(string name, CancellationToken cancellationToken)
    {
        if (state.State.Names.Add(name))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        if (state.State.Names.Remove(name))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<string[]> ListAsync(CancellationToken cancellationToken)
    {
        var names = state.State.Names.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return Task.FromResult(names);
    }
}
