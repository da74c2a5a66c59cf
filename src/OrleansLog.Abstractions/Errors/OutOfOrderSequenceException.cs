namespace OrleansLog.Errors;

/// <summary>
/// An idempotent producer's batch skips sequence numbers the partition never received, so a batch before it was lost.
/// Not retriable as it is: the producer starts a new epoch for the partition and the gap's records count as failed.
/// </summary>
[GenerateSerializer]
public sealed class OutOfOrderSequenceException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the expected and the received sequence.</summary>
    public OutOfOrderSequenceException(string message, Exception? innerException = null)
        : base(ErrorCode.OutOfOrderSequenceNumber, message, innerException)
    {
    }
}
