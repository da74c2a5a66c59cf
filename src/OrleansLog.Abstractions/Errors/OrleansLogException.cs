namespace OrleansLog.Errors;

/// <summary>The base of every error OrleansLog raises; <see cref="ErrorCode"/> says what kind it is.</summary>
[GenerateSerializer]
public class OrleansLogException : Exception
{
    /// <summary>Creates an error with a code and a message that says what was wrong and what to do.</summary>
    public OrleansLogException(ErrorCode errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>What kind of error this is.</summary>
    [Id(0)]
    public ErrorCode ErrorCode { get; }

    /// <summary>True where the same request may succeed if sent again (after a metadata refresh or back-off).</summary>
    public virtual bool IsRetriable => false;
}
