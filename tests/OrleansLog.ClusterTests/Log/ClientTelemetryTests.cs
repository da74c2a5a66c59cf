using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using OrleansLog.Client;
using OrleansLog.Client.Telemetry;
using OrleansLog.ClusterTests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Log;

[Collection(LogClusterCollection.Name)]
public sealed class ClientTelemetryTests : IDisposable
{
    private readonly LogClusterFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _logs = new();
    private readonly ConcurrentDictionary<(string Instrument, string Topic), long> _counters = new();
    private readonly ConcurrentDictionary<(string Topic, int Partition), long> _lag = new();
    private readonly MeterListener _listener = new();
    private readonly ILoggerFactory _loggerFactory;

    public ClientTelemetryTests(LogClusterFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        _loggerFactory = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(new Capture(_logs)));
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OrleansLogClientMeter.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? topic = null;
            var partition = -1;
            foreach (var tag in tags)
            {
                if (tag.Key == "topic")
                {
                    topic = tag.Value as string;
                }
                else if (tag.Key == "partition")
                {
                    partition = (int)tag.Value!;
                }
            }

            if (topic is null)
            {
                return;
            }

            if (instrument.Name == "orleanslog.client.consumer.lag")
            {
                _lag[(topic, partition)] = value;
            }
            else
            {
                _counters.AddOrUpdate((instrument.Name, topic), value, (_, sum) => sum + value);
            }
        });
        _listener.Start();
    }

    [Fact]
    public async Task The_client_counts_what_it_produced_and_fetched_and_reports_a_consumers_lag_and_group_membership()
    {
        var log = _fixture.Log;
        var client = new OrleansLogClient(log.Cluster.Client, TimeSpan.FromMinutes(1), _loggerFactory);
        var topic = LogCluster.NewTopic("telemetry");
        await log.CreateTopicAsync(topic, 1);
        await using (var producer = client.CreateProducer<string, string>(new ProducerOptions { Linger = TimeSpan.Zero, BatchSize = 1024 }))
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(i => producer.ProduceAsync(topic, new Message<string, string> { Value = $"value-{i:D3}" })));
        }

        var group = "telemetry-" + Guid.NewGuid().ToString("N");
        await using (var consumer = client.CreateConsumer<string, string>(new ConsumerOptions { GroupId = group, AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = false }))
        {
            consumer.Subscribe([topic]);
            for (var i = 0; i < 30; i++)
            {
                Assert.Equal($"value-{i:D3}", consumer.Consume(TimeSpan.FromSeconds(30))!.Message.Value);
            }

            _listener.RecordObservableInstruments();
            Assert.Equal(70, _lag[(topic, 0)]);
            await consumer.CloseAsync();
        }

        Assert.Equal(100, _counters[("orleanslog.client.produced.records", topic)]);
        Assert.Equal(100, _counters[("orleanslog.client.fetched.records", topic)]);
        Assert.InRange(_counters[("orleanslog.client.produced.bytes", topic)], 100 * 9, 100 * 100);
        Assert.Equal(_counters[("orleanslog.client.produced.bytes", topic)], _counters[("orleanslog.client.fetched.bytes", topic)]);
        Assert.False(_counters.ContainsKey(("orleanslog.client.errors", topic)));
        foreach (var line in _logs)
        {
            _output.WriteLine($"{line.Level} {line.Category}: {line.Message}");
        }

        Assert.Contains(_logs, l => l.Level == LogLevel.Information && l.Message.StartsWith($"Joined group {group} as ", StringComparison.Ordinal));
        Assert.Contains(_logs, l => l.Message == $"Group {group} generation 1: assigned {topic}-0, revoked none");
    }

    [Fact]
    public async Task A_fetch_outside_the_log_is_reset_by_auto_offset_reset_and_says_so()
    {
        var log = _fixture.Log;
        var client = new OrleansLogClient(log.Cluster.Client, TimeSpan.FromMinutes(1), _loggerFactory);
        var topic = LogCluster.NewTopic("telemetry-reset");
        await log.CreateTopicAsync(topic, 1);
        await using (var producer = client.CreateProducer<string, string>())
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Value = "only" });
        }

        await using var consumer = client.CreateConsumer<string, string>(new ConsumerOptions { AutoOffsetReset = AutoOffsetReset.Earliest });
        consumer.Assign([new TopicPartitionOffset(topic, 0, 1000)]);

        Assert.Equal("only", consumer.Consume(TimeSpan.FromSeconds(30))!.Message.Value);
        Assert.Contains(_logs, l => l.Level == LogLevel.Information && l.Message == $"Offset 1000 of {topic}-0 is out of range (0..1); auto.offset.reset=Earliest moves to 0");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _loggerFactory.Dispose();
    }

    private sealed class Capture(ConcurrentQueue<(string Category, LogLevel Level, string Message)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(string Category, LogLevel Level, string Message)> lines, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => category.StartsWith("OrleansLog.Client", StringComparison.Ordinal);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    lines.Enqueue((category, logLevel, formatter(state, exception)));
                }
            }
        }
    }
}
