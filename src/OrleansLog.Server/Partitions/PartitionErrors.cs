using OrleansLog.Errors;

namespace OrleansLog.Partitions;

/// <summary>The typed errors a partition hands its callers.</summary>
internal static class PartitionErrors
{
    /// <summary>
    /// A new exception of the same type and message, so each caller gets its own object rather than one shared instance thrown many
    /// times. Anything unexpected becomes <see cref="NotLeaderException"/>: the client retries it against a fresh activation.
    /// </summary>
    public static Exception Copy(Exception error) => error switch
    {
        UnknownTopicException e => new UnknownTopicException(e.Message),
        ProducerFencedException e => new ProducerFencedException(e.Message),
        OutOfOrderSequenceException e => new OutOfOrderSequenceException(e.Message),
        StorageException e => new StorageException(e.Message),
        _ => new NotLeaderException(error.Message),
    };
}
