using Microsoft.Extensions.Time.Testing;
using OrleansLog.Client.Metadata;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Metadata;

public sealed class TopicMetadataCacheTests
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeTopicGrain _topic = new(FakeTopicGrain.Describe("orders", partitionCount: 3));
    private readonly TopicMetadataCache _cache;

    public TopicMetadataCacheTests()
    {
        var grains = FakeGrainFactory.Create().Add<ITopicGrain>("orders", _topic);
        _cache = new TopicMetadataCache(grains.Grains, MaxAge, _time);
    }

    [Fact]
    public async Task A_description_is_served_from_the_cache_until_it_is_max_age_old_then_fetched_again()
    {
        Assert.Equal(3, (await _cache.GetAsync("orders")).PartitionCount);
        _topic.Description = _topic.Description with { PartitionCount = 8 };

        _time.Advance(MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.True(_cache.TryGetCached("orders", out var cached));
        Assert.Equal(3, cached.PartitionCount);
        Assert.Equal(3, (await _cache.GetAsync("orders")).PartitionCount);
        Assert.Equal(1, _topic.Describes);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_cache.TryGetCached("orders", out _));
        Assert.Equal(8, (await _cache.GetAsync("orders")).PartitionCount);
        Assert.Equal(2, _topic.Describes);

        // The refreshed entry starts a fresh max age.
        _time.Advance(MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.Equal(8, (await _cache.GetAsync("orders")).PartitionCount);
        Assert.Equal(2, _topic.Describes);
    }

    [Fact]
    public async Task An_invalidated_description_is_fetched_again_however_young_it_is()
    {
        await _cache.GetAsync("orders");
        _cache.Invalidate("orders");

        Assert.False(_cache.TryGetCached("orders", out _));
        await _cache.GetAsync("orders");
        Assert.Equal(2, _topic.Describes);
    }
}
