namespace OrleansLog.Errors;

/// <summary>Why an OrleansLog operation failed; the numbers match Kafka's error codes where Kafka has one.</summary>
public enum ErrorCode
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The requested offset is outside the log's range [log start offset, log end offset].</summary>
    OffsetOutOfRange = 1,

    /// <summary>A record batch is malformed: bad magic, length, CRC or record encoding.</summary>
    CorruptMessage = 2,

    /// <summary>The topic (or the topic id a client cached) does not exist.</summary>
    UnknownTopicOrPartition = 3,

    /// <summary>This activation no longer owns the partition's log; retry to reach the current owner.</summary>
    NotLeaderOrFollower = 6,

    /// <summary>A record batch is larger than the topic's <c>max.message.bytes</c>.</summary>
    MessageTooLarge = 10,

    /// <summary>The topic already exists.</summary>
    TopicAlreadyExists = 36,

    /// <summary>The partition count is invalid (zero, too many, or a decrease).</summary>
    InvalidPartitions = 37,

    /// <summary>A topic configuration key or value is invalid.</summary>
    InvalidConfig = 40,

    /// <summary>The topic name breaks Kafka's naming rules.</summary>
    InvalidTopic = 17,

    /// <summary>A request argument is invalid.</summary>
    InvalidRequest = 42,

    /// <summary>A record in a batch is invalid (for example its encoding or count).</summary>
    InvalidRecord = 87,

    /// <summary>The broker could not complete the request for a transient reason; retrying may succeed.</summary>
    KafkaStorageError = 56,

    /// <summary>The operation timed out.</summary>
    RequestTimedOut = 7,

    /// <summary>A commit or heartbeat carried a generation that is not the group's current one; rejoin or refresh the assignment.</summary>
    IllegalGeneration = 22,

    /// <summary>The consumer group id breaks the naming rules.</summary>
    InvalidGroupId = 24,

    /// <summary>The group does not know this member id (it left, was expired or the group was deleted); rejoin.</summary>
    UnknownMemberId = 25,

    /// <summary>The operation needs a group without active members.</summary>
    NonEmptyGroup = 68,

    /// <summary>The consumer group does not exist.</summary>
    GroupIdNotFound = 69,

    /// <summary>Another member joined with the same <c>group.instance.id</c>; this one was replaced.</summary>
    FencedInstanceId = 82,

    /// <summary>A classic group member's protocol type or assignment protocols do not match the group's, or a member of the other group protocol (classic or consumer) tried to join a group that has members.</summary>
    InconsistentGroupProtocol = 23,

    /// <summary>The session timeout is outside what the group coordinator allows.</summary>
    InvalidSessionTimeout = 26,

    /// <summary>The group is rebalancing: rejoin it.</summary>
    RebalanceInProgress = 27,

    /// <summary>A new member of a classic group was given its member id and must join again with it (KIP-394).</summary>
    MemberIdRequired = 79,

    /// <summary>The offsets of a topic cannot be deleted while the group's members are subscribed to it.</summary>
    GroupSubscribedToTopic = 86,

    /// <summary>A consumer-protocol member sent a member epoch the group does not expect; it must rejoin with epoch 0.</summary>
    FencedMemberEpoch = 110,

    /// <summary>A consumer-protocol member asked for a server-side assignor the group does not have.</summary>
    UnsupportedAssignor = 112,

    /// <summary>A consumer-protocol member committed under an older member epoch; it must heartbeat, then commit again.</summary>
    StaleMemberEpoch = 113,

    /// <summary>An idempotent producer's batch does not follow the last sequence the partition holds for it: a batch is missing in between.</summary>
    OutOfOrderSequenceNumber = 45,

    /// <summary>An idempotent producer used an epoch older than the one the partition holds for its producer id: a newer session replaced it.</summary>
    InvalidProducerEpoch = 47,

    /// <summary>The topic is being deleted.</summary>
    TopicDeletionPending = 1001,
}
