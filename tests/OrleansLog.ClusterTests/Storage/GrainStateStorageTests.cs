using System.Text.Json;
using Azure.Storage.Blobs.Models;
using OrleansLog.Catalogs;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Groups;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Storage;

[Collection(LogClusterCollection.Name)]
public sealed class GrainStateStorageTests(LogClusterFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Grain_state_is_plain_json_next_to_the_segments_without_dotnet_type_names()
    {
        var log = fixture.Log;
        var topic = LogCluster.NewTopic("grain-state");
        var group = "grain-state-" + Guid.NewGuid().ToString("N");
        await log.CreateTopicAsync(topic, 2);
        await log.Cluster.Client.GetGrain<IConsumerGroupGrain>(group).CommitStandaloneOffsetsAsync([new CommittedOffset(topic, 1, 42, "m")]);

        var container = log.Store.Container;
        var states = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, CancellationToken.None))
        {
            if (blob.Name.StartsWith("topics/", StringComparison.Ordinal))
            {
                continue;
            }

            var text = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString();
            Assert.DoesNotContain("$type", text, StringComparison.Ordinal);
            Assert.DoesNotContain("System.Private.CoreLib", text, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(text);
            states[blob.Name] = json.RootElement.Clone();
        }

        output.WriteLine(string.Join(Environment.NewLine, states.Keys.Order(StringComparer.Ordinal)));
        // Other tests share the cluster's container, so this group's offsets blob is found by its name.
        var offsets = Assert.Single(states, s => s.Key.StartsWith("offsets", StringComparison.Ordinal) && s.Key.Contains(GrainTypes.ConsumerGroup + "/" + group, StringComparison.Ordinal)).Value;
        var committed = Assert.Single(offsets.GetProperty("Offsets").EnumerateArray());
        Assert.Equal((topic, 1, 42L, "m"), (committed.GetProperty("Topic").GetString(), committed.GetProperty("Partition").GetInt32(), committed.GetProperty("Offset").GetInt64(), committed.GetProperty("Metadata").GetString()));
        Assert.Contains(states, s => s.Key.Contains(GrainTypes.Topic + "/" + topic, StringComparison.Ordinal));
        var groups = Assert.Single(states, s => s.Key.Contains(GrainTypes.Catalog + "/" + CatalogNames.Groups, StringComparison.Ordinal)).Value;
        Assert.Contains(group, groups.GetProperty("Names").EnumerateArray().Select(n => n.GetString()));
    }
}
