using OrleansLog.Errors;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Listener;

/// <summary>A Kafka error code with the message a client shows for it (admin APIs answer both per topic or resource).</summary>
/// <param name="Code">The error code.</param>
/// <param name="Message">What was wrong and what to do; null for an unexpected failure, whose details stay in the broker's log.</param>
internal readonly record struct KafkaError(KafkaErrorCode Code, string? Message)
{
    /// <summary>The error a client gets for <paramref name="error"/>: its code, and its message when it is one of OrleansLog's own.</summary>
    public static KafkaError From(Exception error) => new(
        KafkaErrors.From(error),
        error is OrleansLogException or KafkaProtocolException or TimeoutException ? error.Message : null);
}
