using System.Net;
using OrleansLog.Groups;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>What the group handlers share: the client's host as Kafka shows it, and calls on one group of a request that names several.</summary>
internal static class GroupRequests
{
    /// <summary>The client's address as Kafka shows it in describe (<c>/10.0.0.7</c>).</summary>
    public static string Host(EndPoint? remote) => remote is IPEndPoint ip ? "/" + ip.Address : "";

    /// <summary>
    /// Calls group <paramref name="groupId"/>'s grain for one part of a request: an invalid id or a failed call becomes that part's error
    /// (counted in the API's error metric), so the other groups of the request are still answered.
    /// </summary>
    public static async Task<(T? Value, KafkaError Error)> CallAsync<T>(
        IGrainFactory grains,
        string api,
        string groupId,
        Func<IConsumerGroupGrain, Task<T>> call,
        CancellationToken cancellationToken)
    {
        try
        {
            GroupId.Validate(groupId);
            return (await call(grains.GetGrain<IConsumerGroupGrain>(groupId)).ConfigureAwait(false), new KafkaError(KafkaErrorCode.None, null));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = KafkaError.From(e);
            KafkaMetrics.RecordError(api, (short)error.Code);
            return (default, error);
        }
    }
}
