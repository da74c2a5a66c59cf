using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// ApiVersions 0–4: the APIs this broker serves. Every API is advertised from version 0 (older clients enable features only when the
/// range reaches back to fixed old versions) up to the highest version its handler serves.
/// </summary>
internal sealed class ApiVersionsHandler(IServiceProvider services) : KafkaApiHandler<ApiVersionsRequest, ApiVersionsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.ApiVersions;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 4;

    /// <inheritdoc />
    protected override ValueTask<ApiVersionsResponse?> HandleAsync(KafkaRequestContext context, ApiVersionsRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ApiVersionsResponse?>(Response(KafkaErrorCode.None));

    /// <inheritdoc />
    protected override ApiVersionsResponse ErrorResponse(ApiVersionsRequest request, KafkaErrorCode error) => Response(error);

    private ApiVersionsResponse Response(KafkaErrorCode error)
    {
        // Resolved late: the dispatcher holds the handlers, this one among them.
        var dispatcher = (KafkaRequestDispatcher)services.GetService(typeof(KafkaRequestDispatcher))!;
        var response = new ApiVersionsResponse { ErrorCode = (short)error };
        foreach (var handler in dispatcher.Handlers.OrderBy(h => h.ApiKey))
        {
            response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion { ApiKey = (short)handler.ApiKey, MinVersion = 0, MaxVersion = handler.MaxVersion });
        }

        return response;
    }
}
