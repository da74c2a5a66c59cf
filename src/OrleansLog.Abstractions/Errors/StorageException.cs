namespace OrleansLog.Errors;

/// <summary>Blob storage failed or timed out while serving the request; the request may be retried.</summary>
[GenerateSerializer]
public sealed class StorageException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and the rule.</summary>
    public StorageException(string message, Exception? innerException = null)
        : base(ErrorCode.KafkaStorageError, message, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetriable => true;
}
