namespace OrleansLog.Errors;

/// <summary>
/// A record was not acknowledged within the producer's <c>delivery.timeout.ms</c>, retries included; the inner exception is the last
/// failure seen. With idempotence the record was written at most once; whether it was written is unknown.
/// </summary>
[GenerateSerializer]
public sealed class DeliveryTimeoutException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the timeout and the last failure.</summary>
    public DeliveryTimeoutException(string message, Exception? innerException = null)
        : base(ErrorCode.RequestTimedOut, message, innerException)
    {
    }
}
