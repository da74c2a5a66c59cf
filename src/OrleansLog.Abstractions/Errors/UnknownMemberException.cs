namespace OrleansLog.Errors;

/// <summary>The group does not know the member id (it left, its session expired, or the group was deleted); the consumer must rejoin.</summary>
[GenerateSerializer]
public sealed class UnknownMemberException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public UnknownMemberException(string message, Exception? innerException = null)
        : base(ErrorCode.UnknownMemberId, message, innerException)
    {
    }

}
