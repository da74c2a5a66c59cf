namespace OrleansLog.Errors;

/// <summary>The group is rebalancing: the commit or call belongs to a generation whose assignment is not settled yet; rejoin and commit again under the new generation.</summary>
[GenerateSerializer]
public sealed class RebalanceInProgressException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public RebalanceInProgressException(string message, Exception? innerException = null)
        : base(ErrorCode.RebalanceInProgress, message, innerException)
    {
    }
}
