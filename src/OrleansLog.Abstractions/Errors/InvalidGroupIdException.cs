namespace OrleansLog.Errors;

/// <summary>A consumer group id breaks the rules: 1 to 249 characters of [a-zA-Z0-9._-].</summary>
[GenerateSerializer]
public sealed class InvalidGroupIdException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public InvalidGroupIdException(string message, Exception? innerException = null)
        : base(ErrorCode.InvalidGroupId, message, innerException)
    {
    }

}
