using OrleansLog.Client;
using OrleansLog.Kafka.Listener;
using OrleansLog.Kafka.Protocol;
using OrleansLog.Topics;

namespace OrleansLog.Kafka.Configs;

/// <summary>
/// Applies AlterConfigs' and IncrementalAlterConfigs' changes to a topic: checks them against the topic's overrides and
/// <see cref="TopicConfig"/>'s rules, then (unless validate-only) stores them and forgets the cached topic so Produce and Fetch see them.
/// </summary>
internal sealed class TopicConfigWriter(OrleansLogClient client, KafkaTopics topics)
{
    /// <summary>
    /// The error for altering a resource that is not a topic, or null for a topic: a broker's settings come from the silo's
    /// configuration and cannot be altered through Kafka, and other resource types are not served.
    /// </summary>
    public static KafkaError? RefuseUnlessTopic(sbyte resourceType, string resourceName) => (ConfigResourceType)resourceType switch
    {
        ConfigResourceType.Topic => null,
        ConfigResourceType.Broker => new KafkaError(KafkaErrorCode.PolicyViolation,
            $"Broker '{resourceName}' cannot be altered through Kafka: an OrleansLog broker's settings are read-only here; set OrleansLog:Kafka:* in the silo's configuration."),
        _ => new KafkaError(KafkaErrorCode.InvalidRequest,
            $"Config resource type {resourceType} cannot be altered; OrleansLog alters the configs of topics (2)."),
    };

    /// <summary>Alters <paramref name="topic"/>'s configs by the changes <paramref name="changesFor"/> makes from its current description.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="changesFor">The changes, made from the topic as it is now (APPEND and SUBTRACT start from its current values).</param>
    /// <param name="validateOnly">Whether to check the changes without storing them.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    public async Task AlterAsync(string topic, Func<TopicDescription, TopicConfigChanges> changesFor, bool validateOnly, CancellationToken cancellationToken)
    {
        var current = await client.Admin.DescribeTopicAsync(topic, cancellationToken).ConfigureAwait(false);
        var changes = changesFor(current);
        changes.ApplyTo(current.ConfigOverrides);
        if (!validateOnly)
        {
            await client.Admin.AlterTopicConfigAsync(topic, changes.Changes, cancellationToken).ConfigureAwait(false);
            topics.Forget(topic);
        }
    }
}
