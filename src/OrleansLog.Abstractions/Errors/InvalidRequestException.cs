namespace OrleansLog.Errors;

/// <summary>A request argument is invalid (out of range or inconsistent with another argument).</summary>
[GenerateSerializer]
public sealed class InvalidRequestException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public InvalidRequestException(string message, Exception? innerException = null)
        : base(ErrorCode.InvalidRequest, message, innerException)
    {
    }

}
