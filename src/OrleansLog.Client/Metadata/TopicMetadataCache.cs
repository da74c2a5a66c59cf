using System.Collections.Concurrent;
using OrleansLog.Topics;

namespace OrleansLog.Client.Metadata;

/// <summary>Caches topic descriptions (id, partition count) so producing and fetching do not ask the topic grain each time.</summary>
internal sealed class TopicMetadataCache(IGrainFactory grains, TimeSpan maxAge, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public ValueTask<TopicDescription> GetAsync(string topic, CancellationToken cancellationToken = default)
    {
        if (TryGetCached(topic, out var description))
        {
            return ValueTask.FromResult(description);
        }

        return new ValueTask<TopicDescription>(RefreshAsync(topic, cancellationToken));
    }

    public bool TryGetCached(string topic, out TopicDescription description)
    {
        if (_entries.TryGetValue(topic, out var entry) && time.GetElapsedTime(entry.FetchedAt) < maxAge)
        {
            description = entry.Description;
            return true;
        }

        description = null!;
        return false;
    }

    public async Task<TopicDescription> RefreshAsync(string topic, CancellationToken cancellationToken = default)
    {
        TopicName.Validate(topic);
        var description = await grains.GetGrain<ITopicGrain>(topic).DescribeAsync(cancellationToken).ConfigureAwait(false);
        _entries[topic] = new Entry(description, time.GetTimestamp());
        return description;
    }

    public void Invalidate(string topic) => _entries.TryRemove(topic, out _);

    // FetchedAt is a TimeProvider timestamp.
    private sealed record Entry(TopicDescription Description, long FetchedAt);
}
