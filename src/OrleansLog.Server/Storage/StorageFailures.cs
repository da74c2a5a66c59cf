using System.Globalization;
using OrleansLog.Errors;

namespace OrleansLog.Storage;

/// <summary>Turns a blob request that got no answer (network timeout, retries exhausted, connection lost) into one <see cref="StorageException"/> that names it.</summary>
/// <param name="requestTimeout">The storage client's per-try network timeout, quoted in messages.</param>
/// <param name="maxRetries">The storage client's retries, quoted in messages.</param>
internal sealed class StorageFailures(TimeSpan requestTimeout, int maxRetries)
{
    /// <summary>
    /// Whether <paramref name="error"/> is the storage client giving up without an answer (its network timeout cancels a try; after
    /// the last retry it throws an <see cref="AggregateException"/> of the tries) rather than the caller cancelling.
    /// </summary>
    public static bool IsUnanswered(Exception error, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested
        && error is OperationCanceledException or TimeoutException or AggregateException or HttpRequestException or IOException;

    /// <summary>A retriable <see cref="StorageException"/> saying that <paramref name="what"/> got no answer, with the limits that applied.</summary>
    /// <remarks>No inner exception: the storage client's exceptions need not be serializable across grain calls; its message is kept.</remarks>
    public StorageException Unanswered(string what, Exception error) => Create(what, error, requestTimeout, maxRetries);

    /// <summary>As <see cref="Unanswered(string, Exception)"/>, for callers that do not know the client's limits.</summary>
    public static StorageException Create(string what, Exception error, TimeSpan? requestTimeout = null, int? maxRetries = null)
    {
        var limits = requestTimeout is { } timeout && maxRetries is { } retries
            ? string.Create(CultureInfo.InvariantCulture, $" ({retries + 1} tries of up to {timeout.TotalSeconds:0.###} s each, OrleansLog:Storage:RequestTimeout)")
            : string.Empty;
        return new StorageException($"{what} timed out or lost its connection: blob storage did not answer{limits}. {FirstLine(Innermost(error).Message)} Check that the storage account or emulator is reachable; retry.");
    }

    private static Exception Innermost(Exception error)
    {
        while (true)
        {
            switch (error)
            {
                case AggregateException { InnerExceptions.Count: > 0 } aggregate:
                    error = aggregate.InnerExceptions[^1];
                    continue;
                case { InnerException: { } inner } when error is not OperationCanceledException:
                    error = inner;
                    continue;
                default:
                    return error;
            }
        }
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n');
        return (newline < 0 ? message : message[..newline]).TrimEnd();
    }
}
