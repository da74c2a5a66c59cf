namespace OrleansLog.Groups;

/// <summary>The durable state of the group catalog grain.</summary>
[GenerateSerializer]
public sealed class GroupCatalogState
{
    /// <summary>The ids of the groups that exist.</summary>
    [Id(0)]
    public HashSet<string> Groups { get; set; } = new(StringComparer.Ordinal);
}
