namespace OrleansLog.Kafka.Listener;

/// <summary>
/// Thrown by a handler that must answer by closing the connection, as Kafka's broker does when a Produce with acks=0 fails: the
/// producer gets no response to read the error from, so a closed connection is how it learns to refresh its metadata and reconnect.
/// </summary>
internal sealed class KafkaConnectionClosingException(string reason) : Exception(reason);
