namespace OrleansLog.Errors;

/// <summary>A topic configuration key is unknown or its value is out of range.</summary>
[GenerateSerializer]
public sealed class InvalidConfigException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and the rule.</summary>
    public InvalidConfigException(string message, Exception? innerException = null)
        : base(ErrorCode.InvalidConfig, message, innerException)
    {
    }

}
