using OrleansLog.Errors;
using OrleansLog.Storage;

namespace OrleansLog.Tests.Partitions;

public sealed class StorageFailuresTests
{
    [Fact]
    public void Retries_that_all_timed_out_become_one_retriable_storage_error_naming_the_request_and_the_limits()
    {
        var tries = new AggregateException(
            "Retry failed after 2 tries.",
            new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:00.5."),
            new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:00:00.5."));

        var error = new StorageFailures(TimeSpan.FromMilliseconds(500), maxRetries: 1).Unanswered("Reading topics/x/0/00000000000000000000.index", tries);

        Assert.IsType<StorageException>(error);
        Assert.True(error.IsRetriable);
        Assert.Equal(OrleansLog.Errors.ErrorCode.KafkaStorageError, error.ErrorCode);
        Assert.StartsWith("Reading topics/x/0/00000000000000000000.index timed out or lost its connection", error.Message);
        Assert.Contains("2 tries of up to 0.5 s each, OrleansLog:Storage:RequestTimeout", error.Message);
        Assert.Contains("exceeded the configured timeout of 0:00:00.5", error.Message);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void A_cancellation_the_caller_asked_for_is_not_a_storage_failure()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(StorageFailures.IsUnanswered(new OperationCanceledException(cancelled.Token), cancelled.Token));
        Assert.True(StorageFailures.IsUnanswered(new TaskCanceledException("network timeout"), CancellationToken.None));
        Assert.True(StorageFailures.IsUnanswered(new AggregateException(new IOException("connection reset")), CancellationToken.None));
        Assert.False(StorageFailures.IsUnanswered(new InvalidOperationException("a bug"), CancellationToken.None));
    }
}
