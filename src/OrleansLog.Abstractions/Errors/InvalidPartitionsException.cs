namespace OrleansLog.Errors;

/// <summary>A partition count is out of range (1 to 10,000) or would shrink the topic.</summary>
[GenerateSerializer]
public sealed class InvalidPartitionsException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and the rule.</summary>
    public InvalidPartitionsException(string message, Exception? innerException = null)
        : base(ErrorCode.InvalidPartitions, message, innerException)
    {
    }

}
