namespace OrleansLog.Groups;

/// <summary>Where a consumer group is in its life, as operators see it.</summary>
public enum GroupState
{
    /// <summary>No members; committed offsets may exist. Offsets can be reset only now.</summary>
    Empty = 0,

    /// <summary>Every member owns exactly its target assignment.</summary>
    Stable = 1,

    /// <summary>A membership change is being reconciled: some partitions wait to be revoked or handed to their new owner (Kafka's PreparingRebalance).</summary>
    Reconciling = 2,

    /// <summary>The group does not exist (never used, or deleted).</summary>
    Dead = 3,

    /// <summary>A classic group waits for its members to rejoin (the join barrier).</summary>
    PreparingRebalance = 4,

    /// <summary>A classic group waits for its leader's assignment (SyncGroup).</summary>
    CompletingRebalance = 5,
}
