namespace OrleansLog.Errors;

/// <summary>A record batch or record is malformed (magic, length, CRC, varint or record count); nothing of it was written.</summary>
[GenerateSerializer]
public sealed class InvalidRecordException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and the rule.</summary>
    public InvalidRecordException(string message, Exception? innerException = null)
        : base(ErrorCode.CorruptMessage, message, innerException)
    {
    }

}
