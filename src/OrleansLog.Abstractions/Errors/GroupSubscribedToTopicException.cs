namespace OrleansLog.Errors;

/// <summary>The group's members are subscribed to the topic, so its committed offsets cannot be deleted; stop the consumers first.</summary>
[GenerateSerializer]
public sealed class GroupSubscribedToTopicException : OrleansLogException
{
    /// <summary>Creates the error with a message that names the bad value and what to do.</summary>
    public GroupSubscribedToTopicException(string message, Exception? innerException = null)
        : base(ErrorCode.GroupSubscribedToTopic, message, innerException)
    {
    }
}
