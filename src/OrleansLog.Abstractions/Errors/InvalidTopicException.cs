namespace OrleansLog.Errors;

/// <summary>A topic name breaks Kafka's rules: 1 to 249 characters of [a-zA-Z0-9._-], not '.' or '..'.</summary>
[GenerateSerializer]
public sealed class InvalidTopicException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and the rule.</summary>
    public InvalidTopicException(string message, Exception? innerException = null)
        : base(ErrorCode.InvalidTopic, message, innerException)
    {
    }

}
