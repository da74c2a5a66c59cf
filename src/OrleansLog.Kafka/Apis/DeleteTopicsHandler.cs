using Microsoft.Extensions.Logging;
using OrleansLog.Client;
using OrleansLog.Errors;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using static OrleansLog.Kafka.Protocol.DeleteTopicsResponse;

namespace OrleansLog.Kafka.Apis;

/// <summary>
/// DeleteTopics 1–6: deletes each topic by name, or from v6 by topic id (UNKNOWN_TOPIC_ID when no live topic has it). The topic's data
/// is deleted in the background and its name can be created again at once.
/// </summary>
internal sealed class DeleteTopicsHandler(OrleansLogClient client, KafkaTopics topics, ILogger<DeleteTopicsHandler> logger)
    : KafkaApiHandler<DeleteTopicsRequest, DeleteTopicsResponse>
{
    /// <inheritdoc />
    public override KafkaApiKey ApiKey => KafkaApiKey.DeleteTopics;

    /// <inheritdoc />
    public override short MinVersion => 1;

    /// <inheritdoc />
    public override short MaxVersion => 6;

    /// <inheritdoc />
    protected override async ValueTask<DeleteTopicsResponse?> HandleAsync(KafkaRequestContext context, DeleteTopicsRequest request, CancellationToken cancellationToken)
    {
        var response = new DeleteTopicsResponse();
        var requested = Requested(request, context.ApiVersion);
        var duplicates = AdminRequests.Duplicates(requested.Select(t => t.Name ?? t.TopicId.ToString()));
        foreach (var (name, topicId) in requested)
        {
            var key = name ?? topicId.ToString();
            var result = new DeletableTopicResult { Name = name, TopicId = topicId };
            KafkaError? error;
            if (duplicates.Contains(key))
            {
                if (response.Responses.Any(r => (r.Name ?? r.TopicId.ToString()) == key))
                {
                    continue;
                }

                error = AdminRequests.Duplicate(name is null ? "topic id" : "topic", key);
            }
            else
            {
                error = await AdminRequests.RunAsync(() => DeleteAsync(result, context.ApiVersion, cancellationToken), logger, ApiKey, key, cancellationToken).ConfigureAwait(false);
            }

            if (error is { } failed)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)failed.Code, failed.Message);
            }

            // Before v6 the name is not nullable: a topic could only be named.
            result.Name ??= context.ApiVersion >= 6 ? null : "";
            response.Responses.Add(result);
        }

        return response;
    }

    /// <inheritdoc />
    protected override DeleteTopicsResponse ErrorResponse(DeleteTopicsRequest request, KafkaErrorCode error)
    {
        var response = new DeleteTopicsResponse();
        foreach (var name in request.TopicNames)
        {
            response.Responses.Add(new DeletableTopicResult { Name = name, ErrorCode = (short)error });
        }

        foreach (var topic in request.Topics)
        {
            response.Responses.Add(new DeletableTopicResult { Name = topic.Name, TopicId = topic.TopicId, ErrorCode = (short)error });
        }

        return response;
    }

    private static List<(string? Name, Guid TopicId)> Requested(DeleteTopicsRequest request, short version) => version >= 6
        ? [.. request.Topics.Select(t => (t.Name, t.TopicId))]
        : [.. request.TopicNames.Select(n => ((string?)n, Guid.Empty))];

    // Fills in the name or id the request did not give, so the answer names the topic both ways from v6.
    private async Task<KafkaError?> DeleteAsync(DeletableTopicResult result, short version, CancellationToken cancellationToken)
    {
        if (result.Name is not null && result.TopicId != Guid.Empty)
        {
            return new KafkaError(KafkaErrorCode.InvalidRequest, $"Topic '{result.Name}' is named both by name and by id {result.TopicId}; give one of them.");
        }

        if (result.Name is null)
        {
            if (await FindByIdAsync(result.TopicId, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                return new KafkaError(KafkaErrorCode.UnknownTopicId, $"No topic has id {result.TopicId}; it was deleted, or never existed.");
            }

            result.Name = found;
        }
        else if (version >= 6)
        {
            result.TopicId = (await client.Admin.DescribeTopicAsync(result.Name, cancellationToken).ConfigureAwait(false)).TopicId;
        }

        await client.Admin.DeleteTopicAsync(result.Name, cancellationToken).ConfigureAwait(false);
        topics.Forget(result.Name);
        return null;
    }

    // Topics are keyed by name: finding one by id asks each topic (fresh, not cached: a stale id must not delete a newer topic of the same name).
    private async Task<string?> FindByIdAsync(Guid topicId, CancellationToken cancellationToken)
    {
        foreach (var name in await topics.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if ((await client.Admin.DescribeTopicAsync(name, cancellationToken).ConfigureAwait(false)).TopicId == topicId)
                {
                    return name;
                }
            }
            catch (UnknownTopicException)
            {
                // Deleted since it was listed.
            }
        }

        return null;
    }
}
