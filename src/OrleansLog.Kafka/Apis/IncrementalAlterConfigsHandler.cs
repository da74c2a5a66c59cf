using Microsoft.Extensions.Logging;
using OrleansLog.Kafka.Configs;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using static OrleansLog.Kafka.Protocol.IncrementalAlterConfigsResponse;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// IncrementalAlterConfigs 0–1: SET and DELETE (back to the default) change single configs of a topic, the others keep their values;
/// APPEND and SUBTRACT apply to list configs only (INVALID_CONFIG otherwise); validate_only checks without storing. Broker resources are
/// refused: their settings are read-only here.
/// </summary>
internal sealed class IncrementalAlterConfigsHandler(TopicConfigWriter writer, ILogger<IncrementalAlterConfigsHandler> logger)
    : KafkaApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.IncrementalAlterConfigs;

    /// <inheritdoc />
    public override short MinVersion => 0;

    /// <inheritdoc />
    public override short MaxVersion => 1;

    /// <inheritdoc />
    protected override async ValueTask<IncrementalAlterConfigsResponse?> HandleAsync(KafkaRequestContext context, IncrementalAlterConfigsRequest request, CancellationToken cancellationToken)
    {
        var response = new IncrementalAlterConfigsResponse();
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
    protected override IncrementalAlterConfigsResponse ErrorResponse(IncrementalAlterConfigsRequest request, KafkaErrorCode error)
    {
        var response = new IncrementalAlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            response.Responses.Add(new AlterConfigsResourceResponse { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName, ErrorCode = (short)error, ErrorMessage = null });
        }

        return response;
    }

    private async Task<KafkaError?> AlterAsync(IncrementalAlterConfigsRequest.AlterConfigsResource resource, bool validateOnly, CancellationToken cancellationToken)
    {
        var operations = resource.Configs.Select(c => (c.Name, (AlterConfigOperation)c.ConfigOperation, c.Value)).ToList();
        await writer.AlterAsync(resource.ResourceName, topic => TopicConfigChanges.Incremental(operations, topic), validateOnly, cancellationToken).ConfigureAwait(false);
        return null;
    }
}
