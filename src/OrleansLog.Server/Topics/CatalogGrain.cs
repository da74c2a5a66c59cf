using OrleansLog.Hosting;

namespace OrleansLog.Topics;

/// <summary>Keeps the cluster's list of topic names; topic grains add and remove themselves.</summary>
internal sealed class CatalogGrain(
    [PersistentState("catalog", OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<CatalogState> state) : Grain, ICatalogGrain
{
    public async Task AddAsync(string topic)
    {
        if (state.State.Topics.Add(topic))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string topic)
    {
        if (state.State.Topics.Remove(topic))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<string[]> ListAsync()
    {
        var names = state.State.Topics.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return Task.FromResult(names);
    }
}
