namespace OrleansLog.Errors;

/// <summary>A record batch is larger than the topic's max.message.bytes; nothing of it was written.</summary>
[GenerateSerializer]
public sealed class RecordTooLargeException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and the rule.</summary>
    public RecordTooLargeException(string message, Exception? innerException = null)
        : base(ErrorCode.MessageTooLarge, message, innerException)
    {
    }

}
