namespace OrleansLog.Errors;

/// <summary>The consumer group does not exist (it never had members or commits, or it was deleted).</summary>
[GenerateSerializer]
public sealed class UnknownGroupException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public UnknownGroupException(string message, Exception? innerException = null)
        : base(ErrorCode.GroupIdNotFound, message, innerException)
    {
    }

}
