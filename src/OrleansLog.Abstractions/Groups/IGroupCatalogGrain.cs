namespace OrleansLog.Groups;

/// <summary>The cluster's set of consumer group ids (one grain, key 0), for listing.</summary>
[Alias("OrleansLog.Groups.IGroupCatalogGrain")]
public interface IGroupCatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Records that a group exists.</summary>
    [Alias("Add")]
    Task AddAsync(string groupId);

    /// <summary>Records that a group was deleted.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string groupId);

    /// <summary>Lists the group ids in ordinal order.</summary>
    [Alias("List")]
    Task<string[]> ListAsync();
}
