namespace OrleansLog.Groups;

/// <summary>What an assignor knows of one member: its id, subscription and the target it had before this rebalance (for stickiness).</summary>
internal sealed record AssignorMember(string MemberId, string? InstanceId, IReadOnlyCollection<string> Topics, IReadOnlyCollection<TopicPartition> Current)
{
    /// <summary>The key members are ordered by: the static instance id when there is one, so a restarted static member lands in the same place.</summary>
    public string SortKey => InstanceId ?? MemberId;
}
