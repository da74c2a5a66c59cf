namespace OrleansLog.Errors;

/// <summary>Another consumer joined with the same group.instance.id and took over this member's place in the group.</summary>
[GenerateSerializer]
public sealed class FencedInstanceIdException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public FencedInstanceIdException(string message, Exception? innerException = null)
        : base(ErrorCode.FencedInstanceId, message, innerException)
    {
    }

}
