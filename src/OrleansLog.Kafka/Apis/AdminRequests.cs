using Microsoft.Extensions.Logging;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// What the admin APIs share: each topic or resource of a request succeeds or fails on its own, and a name that appears twice in one
/// request is refused (INVALID_REQUEST), as Kafka refuses it.
/// </summary>
internal static partial class AdminRequests
{
    /// <summary>Runs the part of a request that concerns <paramref name="resource"/>; its failure becomes that part's error.</summary>
    /// <returns>Null when the part succeeded; else the error to answer for it (an unexpected failure is logged).</returns>
    public static async Task<KafkaError?> RunAsync(Func<Task<KafkaError?>> part, ILogger logger, KafkaApiKey api, string resource, CancellationToken cancellationToken)
    {
        try
        {
            return await part().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = KafkaError.From(e);
            if (error.Code == KafkaErrorCode.UnknownServerError)
            {
                LogPartFailed(logger, api.ToString(), resource, e);
            }

            return error;
        }
    }

    /// <summary>The names that appear more than once in <paramref name="names"/>.</summary>
    public static HashSet<string> Duplicates(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                duplicates.Add(name);
            }
        }

        return duplicates;
    }

    /// <summary>The error for a name that appears more than once in a request.</summary>
    public static KafkaError Duplicate(string kind, string name) =>
        new(KafkaErrorCode.InvalidRequest, $"The request names {kind} '{name}' more than once; name each {kind} once.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka {Api} failed for {Resource}; answered UNKNOWN_SERVER_ERROR")]
    // The API goes in by name: the logging generator cannot see KafkaApiKey, which another generator emits.
    private static partial void LogPartFailed(ILogger logger, string api, string resource, Exception error);
}
