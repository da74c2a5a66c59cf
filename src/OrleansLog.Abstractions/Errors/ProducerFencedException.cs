namespace OrleansLog.Errors;

/// <summary>An idempotent producer wrote with an epoch older than the partition's newest one for its producer id; that session is over.</summary>
[GenerateSerializer]
public sealed class ProducerFencedException : OrleansLogException
{
    /// <summary>Creates the error with a message that names both epochs.</summary>
    public ProducerFencedException(string message, Exception? innerException = null)
        : base(ErrorCode.InvalidProducerEpoch, message, innerException)
    {
    }
}
