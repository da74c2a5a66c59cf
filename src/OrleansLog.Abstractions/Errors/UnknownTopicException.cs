namespace OrleansLog.Errors;

/// <summary>The topic, its partition, or the topic id a client cached does not exist (any more).</summary>
[GenerateSerializer]
public sealed class UnknownTopicException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and the rule.</summary>
    public UnknownTopicException(string message, Exception? innerException = null)
        : base(ErrorCode.UnknownTopicOrPartition, message, innerException)
    {
    }

}
