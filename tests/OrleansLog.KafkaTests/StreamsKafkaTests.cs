using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansLog.Streaming;

namespace OrleansLog.KafkaTests;

/// <summary>The bundled silo with an Orleans stream provider configured (OrleansLog:Streams:kafka-streams), writing JSON events.</summary>
public sealed class StreamsKafkaBrokerFixture() : KafkaBrokerFixture(new Dictionary<string, string>
{
    ["OrleansLog__Streams__kafka-streams__Topic"] = Topic,
    ["OrleansLog__Streams__kafka-streams__Partitions"] = "2",
    ["OrleansLog__Streams__kafka-streams__EventFormat"] = "Json",
})
{
    /// <summary>The provider's name.</summary>
    public const string Provider = "kafka-streams";

    /// <summary>The provider's topic.</summary>
    public static readonly string Topic = KafkaClients.NewTopic("streams");

    /// <summary>The client side of the provider, as configured on the silo.</summary>
    public static void Configure(OrleansLogStreamOptions options)
    {
        options.Topic = Topic;
        options.Partitions = 2;
        options.EventFormat = StreamEventFormat.Json;
    }
}

/// <summary>Orleans stream events and Kafka clients: the documented record format both ways, through the bundled silo.</summary>
public sealed class StreamsKafkaTests(StreamsKafkaBrokerFixture broker) : IClassFixture<StreamsKafkaBrokerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Records_a_Kafka_client_writes_in_the_stream_format_reach_a_stream_subscriber()
    {
        using var host = await SiloProcess.ConnectAsync(broker.Silo.GatewayPort, c => c.AddOrleansLogStreams(StreamsKafkaBrokerFixture.Provider, StreamsKafkaBrokerFixture.Configure));
        var streams = host.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamsKafkaBrokerFixture.Provider);
        var key = $"from-kafka-{Guid.NewGuid():N}";
        var received = new ConcurrentQueue<string>();
        var handle = await streams.GetStream<string>(StreamId.Create("orders", key)).SubscribeAsync((value, _) =>
        {
            received.Enqueue(value);
            return Task.CompletedTask;
        });

        // The silo's queues create the topic with the provider's partition count.
        await EventuallyAsync(async () => (await broker.Log.Admin.ListTopicsAsync()).Contains(StreamsKafkaBrokerFixture.Topic), "the provider's topic");

        // Kafka's murmur2 partitioner (the Java client's default) puts the record in the stream's own partition.
        using var producer = KafkaClients.Producer(broker.BootstrapServers, c => c.Partitioner = Confluent.Kafka.Partitioner.Murmur2Random);
        foreach (var value in new[] { "first", "second" })
        {
            await producer.ProduceAsync(StreamsKafkaBrokerFixture.Topic, new Message<byte[]?, byte[]?>
            {
                Key = Encoding.UTF8.GetBytes(key),
                Value = Encoding.UTF8.GetBytes($"\"{value}\""),
                Headers = new Headers { { StreamRecordHeaders.Namespace, "orders"u8.ToArray() }, { StreamRecordHeaders.Format, "json"u8.ToArray() } },
            });
        }

        await EventuallyAsync(() => Task.FromResult(received.Count >= 2), "both Kafka records delivered");
        Assert.Equal(["first", "second"], received);
        await handle.UnsubscribeAsync();
    }

    [Fact]
    public async Task Stream_events_are_records_a_Kafka_consumer_reads_with_the_stream_key_JSON_value_and_headers()
    {
        using var host = await SiloProcess.ConnectAsync(broker.Silo.GatewayPort, c => c.AddOrleansLogStreams(StreamsKafkaBrokerFixture.Provider, StreamsKafkaBrokerFixture.Configure));
        var streams = host.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StreamsKafkaBrokerFixture.Provider);
        var key = $"to-kafka-{Guid.NewGuid():N}";
        await streams.GetStream<Order>(StreamId.Create("orders", key)).OnNextAsync(new Order("o-1", 42));

        using var consumer = KafkaClients.Consumer(broker.BootstrapServers);
        consumer.Assign([new TopicPartitionOffset(StreamsKafkaBrokerFixture.Topic, 0, Offset.Beginning), new TopicPartitionOffset(StreamsKafkaBrokerFixture.Topic, 1, Offset.Beginning)]);
        ConsumeResult<byte[]?, byte[]?>? record = null;
        var deadline = DateTime.UtcNow + Timeout;
        while (record is null && DateTime.UtcNow < deadline)
        {
            var next = consumer.Consume(TimeSpan.FromSeconds(1));
            if (next?.Message?.Key is { } k && Encoding.UTF8.GetString(k) == key)
            {
                record = next;
            }
        }

        Assert.NotNull(record);
        Assert.Equal("""{"id":"o-1","amount":42}""", Encoding.UTF8.GetString(record.Message.Value!));
        var headers = record.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()));
        Assert.Equal("orders", headers[StreamRecordHeaders.Namespace]);
        Assert.Equal("json", headers[StreamRecordHeaders.Format]);
        Assert.StartsWith(typeof(Order).FullName!, headers[StreamRecordHeaders.EventType]);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>An event type for the JSON check.</summary>
    public sealed record Order(string Id, int Amount);
}
