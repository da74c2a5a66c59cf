using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansLog.Client;
using OrleansLog.Errors;
using OrleansLog.Kafka.Hosting;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Topics;

namespace OrleansLog.Kafka.Listener;

/// <summary>
/// The topics Kafka requests name, described through the OrleansLog client and cached briefly (a produce or fetch needs the topic's id
/// and partition count on every request), with Kafka's auto.create.topics.enable behaviour.
/// </summary>
internal sealed class KafkaTopics(OrleansLogClient client, IOptions<KafkaListenerOptions> options, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, (TopicDescription Topic, long FetchedAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The topic's description, or null when it does not exist (and was not created).</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="allowAutoCreate">Whether the request allows creating it (Metadata's allow_auto_topic_creation, or a produce).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public async Task<TopicDescription?> FindAsync(string topic, bool allowAutoCreate, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(topic, out var cached) && time.GetElapsedTime(cached.FetchedAt) < MaxAge)
        {
            return cached.Topic;
        }

        TopicDescription description;
        try
        {
            description = await client.Admin.DescribeTopicAsync(topic, cancellationToken).ConfigureAwait(false);
        }
        catch (UnknownTopicException)
        {
            _cache.TryRemove(topic, out _);
            if (!allowAutoCreate || !options.Value.AutoCreateTopics)
            {
                return null;
            }

            try
            {
                description = await client.Admin.CreateTopicAsync(topic, options.Value.DefaultPartitions, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (TopicAlreadyExistsException)
            {
                description = await client.Admin.DescribeTopicAsync(topic, cancellationToken).ConfigureAwait(false);
            }
        }

        _cache[topic] = (description, time.GetTimestamp());
        return description;
    }

    /// <summary>Every topic's name.</summary>
    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => client.Admin.ListTopicsAsync(cancellationToken);

    /// <summary>Forgets a cached topic (it was deleted, or changed its partitions).</summary>
    public void Forget(string topic) => _cache.TryRemove(topic, out _);

    /// <summary>The topic a data request names, or the error its partitions get (unknown, invalid name, storage...).</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="allowAutoCreate">Whether the request may create it (a produce may, a fetch may not).</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    public async Task<ResolvedTopic> ResolveAsync(string topic, bool allowAutoCreate, CancellationToken cancellationToken)
    {
        try
        {
            return await FindAsync(topic, allowAutoCreate, cancellationToken).ConfigureAwait(false) is { } description
                ? new ResolvedTopic(description, KafkaErrorCode.None)
                : new ResolvedTopic(null, KafkaErrorCode.UnknownTopicOrPartition);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ResolvedTopic(null, KafkaErrors.From(e));
        }
    }

    /// <summary>
    /// The topic with id <paramref name="topicId"/> (requests from Fetch v13 name topics by id), or UNKNOWN_TOPIC_ID. A cached topic
    /// answers when its id matches; otherwise every topic is described once to find it.
    /// </summary>
    public async Task<ResolvedTopic> ResolveAsync(Guid topicId, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (name, cached) in _cache)
            {
                if (cached.Topic.TopicId == topicId
                    && await FindAsync(name, allowAutoCreate: false, cancellationToken).ConfigureAwait(false) is { } current
                    && current.TopicId == topicId)
                {
                    return new ResolvedTopic(current, KafkaErrorCode.None);
                }
            }

            foreach (var name in await ListAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await FindAsync(name, allowAutoCreate: false, cancellationToken).ConfigureAwait(false) is { } description && description.TopicId == topicId)
                {
                    return new ResolvedTopic(description, KafkaErrorCode.None);
                }
            }

            return new ResolvedTopic(null, KafkaErrorCode.UnknownTopicId);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ResolvedTopic(null, KafkaErrors.From(e));
        }
    }
}
