namespace OrleansLog.Kafka.Protocol;

/// <summary>
/// Bytes that are not a valid Kafka message (truncated, a bad length, a null where none is allowed), or a message
/// that cannot be written in the version asked for. A listener that gets one while reading a request closes that
/// connection: after a malformed frame nothing later on the connection can be trusted.
/// </summary>
/// <remarks>
/// It derives from <see cref="Exception"/> rather than OrleansLogException so the codec stays free of Orleans;
/// the listener maps it to a Kafka error or a closed connection.
/// </remarks>
public sealed class KafkaProtocolException : Exception
{
    /// <summary>Creates the error with the Kafka error code that best describes it.</summary>
    public KafkaProtocolException(KafkaErrorCode errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    /// <summary>The Kafka error code for this failure: InvalidRequest for malformed input, UnsupportedVersion for a version that cannot carry a value.</summary>
    public KafkaErrorCode ErrorCode { get; }

    internal static KafkaProtocolException Malformed(string problem) =>
        new(KafkaErrorCode.InvalidRequest, "Malformed Kafka message: " + problem + ".");

    internal static KafkaProtocolException Truncated(int needed, int remaining) =>
        Malformed($"{needed} more byte(s) needed but only {remaining} remain");

    internal static KafkaProtocolException UnsupportedVersion(string message, short version) =>
        new(KafkaErrorCode.UnsupportedVersion, $"{message} has no version {version}.");

    internal static KafkaProtocolException NonIgnorableField(string field, short version) =>
        new(KafkaErrorCode.UnsupportedVersion, $"Attempted to write a non-default {field} at version {version}, which does not have that field; Kafka forbids dropping it.");

    internal static KafkaProtocolException NullValue(string field, short version) =>
        new(KafkaErrorCode.UnknownServerError, $"{field} is null, but version {version} does not allow null there.");
}
