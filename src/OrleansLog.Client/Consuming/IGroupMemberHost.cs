using OrleansLog.Groups;

namespace OrleansLog.Client;

/// <summary>What <see cref="GroupMembership"/> needs from its consumer.</summary>
internal interface IGroupMemberHost
{
    /// <summary>Starts fetching granted partitions at their committed offsets and calls the assigned callback.</summary>
    Task AssignAsync(IReadOnlyList<TopicPartition> partitions);

    /// <summary>Stops fetching partitions; when revoked (not lost) calls the revoked callback and auto-commits first.</summary>
    Task RevokeAsync(IReadOnlyList<TopicPartition> partitions, bool lost);

    /// <summary>Hands a fatal group error to the app (raised by the next consume).</summary>
    void Fail(Exception error);
}
