using OrleansLog.Errors;
using OrleansLog.Groups;
using OrleansLog.Kafka.Brokers;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// FindCoordinator 0–4 (v4 asks for several keys at once): every broker is a group's coordinator, since the group grain is reached
/// through Orleans from any silo, so the answer is the broker that was asked. Transaction coordinators are not served.
/// </summary>
internal sealed class FindCoordinatorHandler(KafkaBrokers brokers) : KafkaApiHandler<FindCoordinatorRequest, FindCoordinatorResponse>
{
    private const sbyte GroupKey = 0;

    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.FindCoordinator;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 4;

    /// <inheritdoc />
    protected override ValueTask<FindCoordinatorResponse?> HandleAsync(KafkaRequestContext context, FindCoordinatorRequest request, CancellationToken cancellationToken)
    {
        var local = brokers.Local;
        var response = new FindCoordinatorResponse();
        if (context.ApiVersion < 4)
        {
            var (error, message) = Check(request.Key, request.KeyType);
            response.ErrorCode = (short)error;
            response.ErrorMessage = message;
            response.NodeId = error == KafkaErrorCode.None ? local.NodeId : -1;
            response.Host = error == KafkaErrorCode.None ? local.Host : "";
            response.Port = error == KafkaErrorCode.None ? local.Port : -1;
            return ValueTask.FromResult<FindCoordinatorResponse?>(response);
        }

        foreach (var key in request.CoordinatorKeys)
        {
            var (error, message) = Check(key, request.KeyType);
            response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
            {
                Key = key,
                ErrorCode = (short)error,
                ErrorMessage = message,
                NodeId = error == KafkaErrorCode.None ? local.NodeId : -1,
                Host = error == KafkaErrorCode.None ? local.Host : "",
                Port = error == KafkaErrorCode.None ? local.Port : -1,
            });
        }

        return ValueTask.FromResult<FindCoordinatorResponse?>(response);
    }

    /// <inheritdoc />
    protected override FindCoordinatorResponse ErrorResponse(FindCoordinatorRequest request, KafkaErrorCode error)
    {
        var response = new FindCoordinatorResponse { ErrorCode = (short)error, NodeId = -1, Host = "", Port = -1 };
        foreach (var key in request.CoordinatorKeys)
        {
            response.Coordinators.Add(new FindCoordinatorResponse.Coordinator { Key = key, ErrorCode = (short)error, NodeId = -1, Host = "", Port = -1 });
        }

        return response;
    }

    private static (KafkaErrorCode Error, string? Message) Check(string key, sbyte keyType)
    {
        if (keyType != GroupKey)
        {
            return (KafkaErrorCode.CoordinatorNotAvailable, "Transactions are not supported yet, so there is no transaction coordinator.");
        }

        try
        {
            GroupId.Validate(key);
            return (KafkaErrorCode.None, null);
        }
        catch (InvalidGroupIdException e)
        {
            return (KafkaErrorCode.InvalidGroupId, e.Message);
        }
    }
}
