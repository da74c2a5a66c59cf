using Orleans.Runtime;
using OrleansLog.Errors;

namespace OrleansLog.Client;

/// <summary>Which failures a client retries: OrleansLog's retriable errors and Orleans' transport and placement failures.</summary>
internal static class Retry
{
    public static bool IsTransient(Exception error) => error switch
    {
        OrleansLogException e => e.IsRetriable,
        TimeoutException => true,
        SiloUnavailableException => true,
        OrleansMessageRejectionException => true,

        // A silo that just died: the call is re-addressed to the grain's next activation once membership has caught up.
        Orleans.Runtime.Messaging.ConnectionFailedException => true,

        // Orleans cancels an activation that does not finish activating in time (a partition recovering while storage and CPU are
        // saturated) and hands the caller a TaskCanceledException; the next call starts a fresh activation. Callers that cancel
        // through their own token catch that case before asking here.
        OperationCanceledException => true,
        _ => false,
    };

    public static TimeSpan NextBackoff(TimeSpan current, TimeSpan max) =>
        TimeSpan.FromTicks(Math.Min(current.Ticks * 2, max.Ticks));
}
