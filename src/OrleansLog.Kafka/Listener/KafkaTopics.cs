using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansLog.Client;
using OrleansLog.Errors;
using OrleansLog.Kafka.Hosting;
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
}
