namespace OrleansLog.Errors;

/// <summary>A member's group protocol does not match the group's: a classic (Kafka JoinGroup) member joined a consumer-protocol group with members, or the other way round, or the classic members share no assignment protocol.</summary>
[GenerateSerializer]
public sealed class InconsistentGroupProtocolException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public InconsistentGroupProtocolException(string message, Exception? innerException = null)
        : base(ErrorCode.InconsistentGroupProtocol, message, innerException)
    {
    }
}
