namespace OrleansLog.Client;

/// <summary>One partition's answer to <see cref="AdminClient.ListOffsetsAsync"/>: the offset found (-1 when no record is at or after the timestamp) and its batch timestamp (-1 where not known).</summary>
public sealed record ListedOffset(TopicPartition TopicPartition, long Offset, long Timestamp);
