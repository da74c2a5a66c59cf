using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using OrleansLog.Streaming;

namespace OrleansLog.ClusterTests.Streaming;

/// <summary>The provider's containers and tokens as Orleans moves them between silos and clients.</summary>
public sealed class StreamSerializationTests(StreamClusterFixture fixture) : IClassFixture<StreamClusterFixture>
{
    [Fact]
    public void A_batch_container_keeps_its_stream_token_and_event_through_Orleans_serialization()
    {
        var serializer = fixture.Log.Cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        var codec = new StreamRecordCodec(serializer, StreamEventFormat.Orleans);
        var message = codec.Encode(StreamId.Create("ns", "key"), "event");
        var container = new OrleansLogBatchContainer(
            StreamId.Create("ns", "key"), new OrleansLogSequenceToken(42), message.Value, StreamEventFormat.Orleans, "System.String", serializer);

        var copy = serializer.Deserialize<OrleansLogBatchContainer>(serializer.SerializeToArray(container))!;

        Assert.Equal(container.StreamId, copy.StreamId);
        Assert.Equal(new OrleansLogSequenceToken(42), copy.SequenceToken);
        var delivered = Assert.Single(copy.GetEvents<string>());
        Assert.Equal("event", delivered.Item1);
        Assert.Equal(42, delivered.Item2.SequenceNumber);
        var at = OrleansLogSequenceToken.AtTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(1234));
        Assert.Equal(at, serializer.Deserialize<OrleansLogSequenceToken>(serializer.SerializeToArray(at)));
    }
}
