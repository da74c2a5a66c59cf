namespace OrleansLog.Errors;

/// <summary>
/// A consumer-protocol member (KIP-848) committed under a member epoch older than the group's, or for a partition it no longer owns; it
/// must heartbeat to learn its current epoch and assignment, then commit again.
/// </summary>
[GenerateSerializer]
public sealed class StaleMemberEpochException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public StaleMemberEpochException(string message, Exception? innerException = null)
        : base(ErrorCode.StaleMemberEpoch, message, innerException)
    {
    }
}
