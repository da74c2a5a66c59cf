using Microsoft.Extensions.Logging;
using OrleansLog.Kafka.Configs;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using static OrleansLog.Kafka.Protocol.AlterConfigsResponse;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// AlterConfigs 0–2, Kafka's legacy config update: the configs given become the topic's whole override set and every other key goes
/// back to its default (validate_only checks without storing). Broker resources are refused: their settings are read-only here.
/// </summary>
internal sealed class AlterConfigsHandler(TopicConfigWriter writer, ILogger<AlterConfigsHandler> logger) : KafkaApiHandler<AlterConfigsRequest, AlterConfigsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.AlterConfigs;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 2;

    /// <inheritdoc />
    protected override async ValueTask<AlterConfigsResponse?> HandleAsync(KafkaRequestContext context, AlterConfigsRequest request, CancellationToken cancellationToken)
    {
        var response = new AlterConfigsResponse();
        var duplicates = AdminRequests.Duplicates(request.Resources.Select(r => $"{r.ResourceType}/{r.ResourceName}"));
        foreach (var resource in request.Resources)
        {
            KafkaError? error;
            if (duplicates.Contains($"{resource.ResourceType}/{resource.ResourceName}"))
            {
                if (response.Responses.Any(r => r.ResourceType == resource.ResourceType && r.ResourceName == resource.ResourceName))
                {
                    continue;
                }

                error = AdminRequests.Duplicate("resource", resource.ResourceName);
            }
            else
            {
                error = TopicConfigWriter.RefuseUnlessTopic(resource.ResourceType, resource.ResourceName) ?? await AdminRequests.RunAsync(
                    () => AlterAsync(resource, request.ValidateOnly, cancellationToken), logger, ApiKey, resource.ResourceName, cancellationToken).ConfigureAwait(false);
            }

            response.Responses.Add(new AlterConfigsResourceResponse
            {
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
                ErrorCode = (short)(error?.Code ?? KafkaErrorCode.None),
                ErrorMessage = error?.Message,
            });
        }

        return response;
    }

    /// <inheritdoc />
    protected override AlterConfigsResponse ErrorResponse(AlterConfigsRequest request, KafkaErrorCode error)
    {
        var response = new AlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            response.Responses.Add(new AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorCode = (short)error, ErrorMessage = null });
        }

        return response;
    }

    private async Task<KafkaError?> AlterAsync(AlterConfigsRequest.AlterConfigsResource resource, bool validateOnly, CancellationToken cancellationToken)
    {
        var changes = TopicConfigChanges.Replace(resource.Configs.Select(c => (c.Name, c.Value)));
        await writer.AlterAsync(resource.ResourceName, _ => changes, validateOnly, cancellationToken).ConfigureAwait(false);
        return null;
    }
}
