namespace OrleansLog.Errors;

/// <summary>A commit came from a stale generation of the group; the member's assignment changed since, so it must refresh it before committing.</summary>
[GenerateSerializer]
public sealed class IllegalGenerationException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public IllegalGenerationException(string message, Exception? innerException = null)
        : base(ErrorCode.IllegalGeneration, message, innerException)
    {
    }

}
