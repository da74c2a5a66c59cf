namespace OrleansLog.Topics;

/// <summary>The cluster's set of topic names (one grain, key 0), for listing.</summary>
[Alias("OrleansLog.Topics.ICatalogGrain")]
public interface ICatalogGrain : IGrainWithIntegerKey
{
    /// <summary>Records that a topic exists.</summary>
    [Alias("Add")]
    Task AddAsync(string topic);

    /// <summary>Records that a topic was deleted.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string topic);

    /// <summary>Lists the topic names in ordinal order.</summary>
    [Alias("List")]
    Task<string[]> ListAsync();
}
