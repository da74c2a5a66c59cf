using OrleansLog.Hosting;

namespace OrleansLog.Groups;

/// <summary>Keeps the cluster's list of consumer group ids; group grains add and remove themselves.</summary>
internal sealed class GroupCatalogGrain(
    [PersistentState("groups", OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<GroupCatalogState> state) : Grain, IGroupCatalogGrain
{
    public async Task AddAsync(string groupId)
    {
        if (state.State.Groups.Add(groupId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string groupId)
    {
        if (state.State.Groups.Remove(groupId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<string[]> ListAsync()
    {
        var ids = state.State.Groups.ToArray();
        Array.Sort(ids, StringComparer.Ordinal);
        return Task.FromResult(ids);
    }
}
