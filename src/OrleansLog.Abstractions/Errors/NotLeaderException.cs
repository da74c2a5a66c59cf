namespace OrleansLog.Errors;

/// <summary>This activation of a partition no longer owns its log (it was fenced or is shutting down); retry to reach the current owner.</summary>
[GenerateSerializer]
public sealed class NotLeaderException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and the rule.</summary>
    public NotLeaderException(string message, Exception? innerException = null)
        : base(ErrorCode.NotLeaderOrFollower, message, innerException)
    {
    }

    /// <inheritdoc />
    public override bool IsRetriable => true;
}
