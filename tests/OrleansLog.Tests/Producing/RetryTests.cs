using OrleansLog.Client;
using OrleansLog.Errors;

namespace OrleansLog.Tests.Producing;

public sealed class RetryTests
{
    public static TheoryData<Exception, bool> Failures => new()
    {
        { new NotLeaderException("moved"), true },
        { new TimeoutException(), true },
        { new Orleans.Runtime.SiloUnavailableException(), true },
        { new TaskCanceledException("activation cancelled"), true },
        { new InvalidRecordException("bad crc"), false },
        { new UnknownTopicException("gone"), false },
        { new InvalidOperationException(), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Transient_failures_are_retried_and_caller_errors_are_not(Exception failure, bool transient) =>
        Assert.Equal(transient, Retry.IsTransient(failure));
}
