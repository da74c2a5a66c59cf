namespace OrleansLog.Errors;

/// <summary>A topic with this name already exists.</summary>
[GenerateSerializer]
public sealed class TopicAlreadyExistsException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and the rule.</summary>
    public TopicAlreadyExistsException(string message, Exception? innerException = null)
        : base(ErrorCode.TopicAlreadyExists, message, innerException)
    {
    }

}
