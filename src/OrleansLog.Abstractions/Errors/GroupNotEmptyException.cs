namespace OrleansLog.Errors;

/// <summary>The operation (offset reset, group deletion) needs the group to have no members; stop its consumers first.</summary>
[GenerateSerializer]
public sealed class GroupNotEmptyException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public GroupNotEmptyException(string message, Exception? innerException = null)
        : base(ErrorCode.NonEmptyGroup, message, innerException)
    {
    }

}
