namespace OrleansLog.Kafka.Protocol;

/// <summary>
/// Kafka's error codes as they travel in responses (Kafka's <c>Errors</c> enum), from UNKNOWN_SERVER_ERROR (-1)
/// through UNKNOWN_CONTROLLER_ID (116). The numbers are the protocol; the names are C#'s spelling of Kafka's.
/// </summary>
public enum KafkaErrorCode : short
{
    /// <summary>Kafka's UNKNOWN_SERVER_ERROR (-1).</summary>
    UnknownServerError = -1,

    /// <summary>Kafka's NONE (0).</summary>
    None = 0,

    /// <summary>Kafka's OFFSET_OUT_OF_RANGE (1).</summary>
    OffsetOutOfRange = 1,

    /// <summary>Kafka's CORRUPT_MESSAGE (2).</summary>
    CorruptMessage = 2,

    /// <summary>Kafka's UNKNOWN_TOPIC_OR_PARTITION (3).</summary>
    UnknownTopicOrPartition = 3,

    /// <summary>Kafka's INVALID_FETCH_SIZE (4).</summary>
    InvalidFetchSize = 4,

    /// <summary>Kafka's LEADER_NOT_AVAILABLE (5).</summary>
    LeaderNotAvailable = 5,

    /// <summary>Kafka's NOT_LEADER_OR_FOLLOWER (6).</summary>
    NotLeaderOrFollower = 6,

    /// <summary>Kafka's REQUEST_TIMED_OUT (7).</summary>
    RequestTimedOut = 7,

    /// <summary>Kafka's BROKER_NOT_AVAILABLE (8).</summary>
    BrokerNotAvailable = 8,

    /// <summary>Kafka's REPLICA_NOT_AVAILABLE (9).</summary>
    ReplicaNotAvailable = 9,

    /// <summary>Kafka's MESSAGE_TOO_LARGE (10).</summary>
    MessageTooLarge = 10,

    /// <summary>Kafka's STALE_CONTROLLER_EPOCH (11).</summary>
    StaleControllerEpoch = 11,

    /// <summary>Kafka's OFFSET_METADATA_TOO_LARGE (12).</summary>
    OffsetMetadataTooLarge = 12,

    /// <summary>Kafka's NETWORK_EXCEPTION (13).</summary>
    NetworkException = 13,

    /// <summary>Kafka's COORDINATOR_LOAD_IN_PROGRESS (14).</summary>
    CoordinatorLoadInProgress = 14,

    /// <summary>Kafka's COORDINATOR_NOT_AVAILABLE (15).</summary>
    CoordinatorNotAvailable = 15,

    /// <summary>Kafka's NOT_COORDINATOR (16).</summary>
    NotCoordinator = 16,

    /// <summary>Kafka's INVALID_TOPIC_EXCEPTION (17).</summary>
    InvalidTopicException = 17,

    /// <summary>Kafka's RECORD_LIST_TOO_LARGE (18).</summary>
    RecordListTooLarge = 18,

    /// <summary>Kafka's NOT_ENOUGH_REPLICAS (19).</summary>
    NotEnoughReplicas = 19,

    /// <summary>Kafka's NOT_ENOUGH_REPLICAS_AFTER_APPEND (20).</summary>
    NotEnoughReplicasAfterAppend = 20,

    /// <summary>Kafka's INVALID_REQUIRED_ACKS (21).</summary>
    InvalidRequiredAcks = 21,

    /// <summary>Kafka's ILLEGAL_GENERATION (22).</summary>
    IllegalGeneration = 22,

    /// <summary>Kafka's INCONSISTENT_GROUP_PROTOCOL (23).</summary>
    InconsistentGroupProtocol = 23,

    /// <summary>Kafka's INVALID_GROUP_ID (24).</summary>
    InvalidGroupId = 24,

    /// <summary>Kafka's UNKNOWN_MEMBER_ID (25).</summary>
    UnknownMemberId = 25,

    /// <summary>Kafka's INVALID_SESSION_TIMEOUT (26).</summary>
    InvalidSessionTimeout = 26,

    /// <summary>Kafka's REBALANCE_IN_PROGRESS (27).</summary>
    RebalanceInProgress = 27,

    /// <summary>Kafka's INVALID_COMMIT_OFFSET_SIZE (28).</summary>
    InvalidCommitOffsetSize = 28,

    /// <summary>Kafka's TOPIC_AUTHORIZATION_FAILED (29).</summary>
    TopicAuthorizationFailed = 29,

    /// <summary>Kafka's GROUP_AUTHORIZATION_FAILED (30).</summary>
    GroupAuthorizationFailed = 30,

    /// <summary>Kafka's CLUSTER_AUTHORIZATION_FAILED (31).</summary>
    ClusterAuthorizationFailed = 31,

    /// <summary>Kafka's INVALID_TIMESTAMP (32).</summary>
    InvalidTimestamp = 32,

    /// <summary>Kafka's UNSUPPORTED_SASL_MECHANISM (33).</summary>
    UnsupportedSaslMechanism = 33,

    /// <summary>Kafka's ILLEGAL_SASL_STATE (34).</summary>
    IllegalSaslState = 34,

    /// <summary>Kafka's UNSUPPORTED_VERSION (35).</summary>
    UnsupportedVersion = 35,

    /// <summary>Kafka's TOPIC_ALREADY_EXISTS (36).</summary>
    TopicAlreadyExists = 36,

    /// <summary>Kafka's INVALID_PARTITIONS (37).</summary>
    InvalidPartitions = 37,

    /// <summary>Kafka's INVALID_REPLICATION_FACTOR (38).</summary>
    InvalidReplicationFactor = 38,

    /// <summary>Kafka's INVALID_REPLICA_ASSIGNMENT (39).</summary>
    InvalidReplicaAssignment = 39,

    /// <summary>Kafka's INVALID_CONFIG (40).</summary>
    InvalidConfig = 40,

    /// <summary>Kafka's NOT_CONTROLLER (41).</summary>
    NotController = 41,

    /// <summary>Kafka's INVALID_REQUEST (42).</summary>
    InvalidRequest = 42,

    /// <summary>Kafka's UNSUPPORTED_FOR_MESSAGE_FORMAT (43).</summary>
    UnsupportedForMessageFormat = 43,

    /// <summary>Kafka's POLICY_VIOLATION (44).</summary>
    PolicyViolation = 44,

    /// <summary>Kafka's OUT_OF_ORDER_SEQUENCE_NUMBER (45).</summary>
    OutOfOrderSequenceNumber = 45,

    /// <summary>Kafka's DUPLICATE_SEQUENCE_NUMBER (46).</summary>
    DuplicateSequenceNumber = 46,

    /// <summary>Kafka's INVALID_PRODUCER_EPOCH (47).</summary>
    InvalidProducerEpoch = 47,

    /// <summary>Kafka's INVALID_TXN_STATE (48).</summary>
    InvalidTxnState = 48,

    /// <summary>Kafka's INVALID_PRODUCER_ID_MAPPING (49).</summary>
    InvalidProducerIdMapping = 49,

    /// <summary>Kafka's INVALID_TRANSACTION_TIMEOUT (50).</summary>
    InvalidTransactionTimeout = 50,

    /// <summary>Kafka's CONCURRENT_TRANSACTIONS (51).</summary>
    ConcurrentTransactions = 51,

    /// <summary>Kafka's TRANSACTION_COORDINATOR_FENCED (52).</summary>
    TransactionCoordinatorFenced = 52,

    /// <summary>Kafka's TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53).</summary>
    TransactionalIdAuthorizationFailed = 53,

    /// <summary>Kafka's SECURITY_DISABLED (54).</summary>
    SecurityDisabled = 54,

    /// <summary>Kafka's OPERATION_NOT_ATTEMPTED (55).</summary>
    OperationNotAttempted = 55,

    /// <summary>Kafka's KAFKA_STORAGE_ERROR (56).</summary>
    KafkaStorageError = 56,

    /// <summary>Kafka's LOG_DIR_NOT_FOUND (57).</summary>
    LogDirNotFound = 57,

    /// <summary>Kafka's SASL_AUTHENTICATION_FAILED (58).</summary>
    SaslAuthenticationFailed = 58,

    /// <summary>Kafka's UNKNOWN_PRODUCER_ID (59).</summary>
    UnknownProducerId = 59,

    /// <summary>Kafka's REASSIGNMENT_IN_PROGRESS (60).</summary>
    ReassignmentInProgress = 60,

    /// <summary>Kafka's DELEGATION_TOKEN_AUTH_DISABLED (61).</summary>
    DelegationTokenAuthDisabled = 61,

    /// <summary>Kafka's DELEGATION_TOKEN_NOT_FOUND (62).</summary>
    DelegationTokenNotFound = 62,

    /// <summary>Kafka's DELEGATION_TOKEN_OWNER_MISMATCH (63).</summary>
    DelegationTokenOwnerMismatch = 63,

    /// <summary>Kafka's DELEGATION_TOKEN_REQUEST_NOT_ALLOWED (64).</summary>
    DelegationTokenRequestNotAllowed = 64,

    /// <summary>Kafka's DELEGATION_TOKEN_AUTHORIZATION_FAILED (65).</summary>
    DelegationTokenAuthorizationFailed = 65,

    /// <summary>Kafka's DELEGATION_TOKEN_EXPIRED (66).</summary>
    DelegationTokenExpired = 66,

    /// <summary>Kafka's INVALID_PRINCIPAL_TYPE (67).</summary>
    InvalidPrincipalType = 67,

    /// <summary>Kafka's NON_EMPTY_GROUP (68).</summary>
    NonEmptyGroup = 68,

    /// <summary>Kafka's GROUP_ID_NOT_FOUND (69).</summary>
    GroupIdNotFound = 69,

    /// <summary>Kafka's FETCH_SESSION_ID_NOT_FOUND (70).</summary>
    FetchSessionIdNotFound = 70,

    /// <summary>Kafka's INVALID_FETCH_SESSION_EPOCH (71).</summary>
    InvalidFetchSessionEpoch = 71,

    /// <summary>Kafka's LISTENER_NOT_FOUND (72).</summary>
    ListenerNotFound = 72,

    /// <summary>Kafka's TOPIC_DELETION_DISABLED (73).</summary>
    TopicDeletionDisabled = 73,

    /// <summary>Kafka's FENCED_LEADER_EPOCH (74).</summary>
    FencedLeaderEpoch = 74,

    /// <summary>Kafka's UNKNOWN_LEADER_EPOCH (75).</summary>
    UnknownLeaderEpoch = 75,

    /// <summary>Kafka's UNSUPPORTED_COMPRESSION_TYPE (76).</summary>
    UnsupportedCompressionType = 76,

    /// <summary>Kafka's STALE_BROKER_EPOCH (77).</summary>
    StaleBrokerEpoch = 77,

    /// <summary>Kafka's OFFSET_NOT_AVAILABLE (78).</summary>
    OffsetNotAvailable = 78,

    /// <summary>Kafka's MEMBER_ID_REQUIRED (79).</summary>
    MemberIdRequired = 79,

    /// <summary>Kafka's PREFERRED_LEADER_NOT_AVAILABLE (80).</summary>
    PreferredLeaderNotAvailable = 80,

    /// <summary>Kafka's GROUP_MAX_SIZE_REACHED (81).</summary>
    GroupMaxSizeReached = 81,

    /// <summary>Kafka's FENCED_INSTANCE_ID (82).</summary>
    FencedInstanceId = 82,

    /// <summary>Kafka's ELIGIBLE_LEADERS_NOT_AVAILABLE (83).</summary>
    EligibleLeadersNotAvailable = 83,

    /// <summary>Kafka's ELECTION_NOT_NEEDED (84).</summary>
    ElectionNotNeeded = 84,

    /// <summary>Kafka's NO_REASSIGNMENT_IN_PROGRESS (85).</summary>
    NoReassignmentInProgress = 85,

    /// <summary>Kafka's GROUP_SUBSCRIBED_TO_TOPIC (86).</summary>
    GroupSubscribedToTopic = 86,

    /// <summary>Kafka's INVALID_RECORD (87).</summary>
    InvalidRecord = 87,

    /// <summary>Kafka's UNSTABLE_OFFSET_COMMIT (88).</summary>
    UnstableOffsetCommit = 88,

    /// <summary>Kafka's THROTTLING_QUOTA_EXCEEDED (89).</summary>
    ThrottlingQuotaExceeded = 89,

    /// <summary>Kafka's PRODUCER_FENCED (90).</summary>
    ProducerFenced = 90,

    /// <summary>Kafka's RESOURCE_NOT_FOUND (91).</summary>
    ResourceNotFound = 91,

    /// <summary>Kafka's DUPLICATE_RESOURCE (92).</summary>
    DuplicateResource = 92,

    /// <summary>Kafka's UNACCEPTABLE_CREDENTIAL (93).</summary>
    UnacceptableCredential = 93,

    /// <summary>Kafka's INCONSISTENT_VOTER_SET (94).</summary>
    InconsistentVoterSet = 94,

    /// <summary>Kafka's INVALID_UPDATE_VERSION (95).</summary>
    InvalidUpdateVersion = 95,

    /// <summary>Kafka's FEATURE_UPDATE_FAILED (96).</summary>
    FeatureUpdateFailed = 96,

    /// <summary>Kafka's PRINCIPAL_DESERIALIZATION_FAILURE (97).</summary>
    PrincipalDeserializationFailure = 97,

    /// <summary>Kafka's SNAPSHOT_NOT_FOUND (98).</summary>
    SnapshotNotFound = 98,

    /// <summary>Kafka's POSITION_OUT_OF_RANGE (99).</summary>
    PositionOutOfRange = 99,

    /// <summary>Kafka's UNKNOWN_TOPIC_ID (100).</summary>
    UnknownTopicId = 100,

    /// <summary>Kafka's DUPLICATE_BROKER_REGISTRATION (101).</summary>
    DuplicateBrokerRegistration = 101,

    /// <summary>Kafka's BROKER_ID_NOT_REGISTERED (102).</summary>
    BrokerIdNotRegistered = 102,

    /// <summary>Kafka's INCONSISTENT_TOPIC_ID (103).</summary>
    InconsistentTopicId = 103,

    /// <summary>Kafka's INCONSISTENT_CLUSTER_ID (104).</summary>
    InconsistentClusterId = 104,

    /// <summary>Kafka's TRANSACTIONAL_ID_NOT_FOUND (105).</summary>
    TransactionalIdNotFound = 105,

    /// <summary>Kafka's FETCH_SESSION_TOPIC_ID_ERROR (106).</summary>
    FetchSessionTopicIdError = 106,

    /// <summary>Kafka's INELIGIBLE_REPLICA (107).</summary>
    IneligibleReplica = 107,

    /// <summary>Kafka's NEW_LEADER_ELECTED (108).</summary>
    NewLeaderElected = 108,

    /// <summary>Kafka's OFFSET_MOVED_TO_TIERED_STORAGE (109).</summary>
    OffsetMovedToTieredStorage = 109,

    /// <summary>Kafka's FENCED_MEMBER_EPOCH (110).</summary>
    FencedMemberEpoch = 110,

    /// <summary>Kafka's UNRELEASED_INSTANCE_ID (111).</summary>
    UnreleasedInstanceId = 111,

    /// <summary>Kafka's UNSUPPORTED_ASSIGNOR (112).</summary>
    UnsupportedAssignor = 112,

    /// <summary>Kafka's STALE_MEMBER_EPOCH (113).</summary>
    StaleMemberEpoch = 113,

    /// <summary>Kafka's MISMATCHED_ENDPOINT_TYPE (114).</summary>
    MismatchedEndpointType = 114,

    /// <summary>Kafka's UNSUPPORTED_ENDPOINT_TYPE (115).</summary>
    UnsupportedEndpointType = 115,

    /// <summary>Kafka's UNKNOWN_CONTROLLER_ID (116).</summary>
    UnknownControllerId = 116,
}
