using OrleansLog.Errors;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Listener;

/// <summary>Kafka's error code for an OrleansLog error: OrleansLog's codes are Kafka's, except those Kafka does not have.</summary>
internal static class KafkaErrors
{
    /// <summary>The code a Kafka client gets for <paramref name="error"/>.</summary>
    public static KafkaErrorCode From(Exception error) => error switch
    {
        OrleansLogException { ErrorCode: Errors.ErrorCode.TopicDeletionPending } => KafkaErrorCode.UnknownTopicOrPartition,
        OrleansLogException e when Enum.IsDefined((KafkaErrorCode)(short)e.ErrorCode) => (KafkaErrorCode)(short)e.ErrorCode,
        KafkaProtocolException e => e.ErrorCode,
        TimeoutException => KafkaErrorCode.RequestTimedOut,
        _ => KafkaErrorCode.UnknownServerError,
    };
}
