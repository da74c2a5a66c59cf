namespace OrleansLog.Groups;

/// <summary>Which group protocol a group's members speak; a group with members has one, and an empty group takes its next member's.</summary>
public enum GroupProtocol
{
    /// <summary>Server-side assignment: the native OrleansLog consumer and Kafka's KIP-848 consumers (<c>group.protocol=consumer</c>).</summary>
    Consumer = 0,

    /// <summary>Kafka's classic JoinGroup/SyncGroup protocol, where the client leader computes the assignment.</summary>
    Classic = 1,
}
