using System.Diagnostics.Metrics;

namespace OrleansLog.Kafka.Listener;

/// <summary>The Kafka listener's instruments, on the meter <see cref="MeterName"/>.</summary>
internal static class KafkaMetrics
{
    /// <summary>The meter's name, to add to a metrics exporter.</summary>
    public const string MeterName = "OrleansLog.Kafka";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("orleanslog.kafka.requests", description: "Kafka requests answered, per API.");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("orleanslog.kafka.errors", description: "Error codes returned to Kafka clients, per API and code.");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("orleanslog.kafka.request.duration", "ms", "Time from a request's arrival to its answer, per API.");
    private static readonly Counter<long> In = Meter.CreateCounter<long>("orleanslog.kafka.bytes.in", "By", "Bytes of Kafka requests received.");
    private static readonly Counter<long> Out = Meter.CreateCounter<long>("orleanslog.kafka.bytes.out", "By", "Bytes of Kafka responses sent.");
    private static readonly UpDownCounter<long> Connections = Meter.CreateUpDownCounter<long>("orleanslog.kafka.connections", description: "Open Kafka client connections.");

    /// <summary>Counts an answered request and its latency.</summary>
    public static void RecordRequest(string api, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>("api", api);
        Requests.Add(1, tag);
        Latency.Record(elapsed.TotalMilliseconds, tag);
    }

    /// <summary>Counts an error code sent to a client.</summary>
    public static void RecordError(string api, short code) =>
        Errors.Add(1, new KeyValuePair<string, object?>("api", api), new KeyValuePair<string, object?>("error_code", code));

    /// <summary>Counts received bytes.</summary>
    public static void BytesIn(long bytes) => In.Add(bytes);

    /// <summary>Counts sent bytes.</summary>
    public static void BytesOut(long bytes) => Out.Add(bytes);

    /// <summary>A connection opened.</summary>
    public static void ConnectionOpened() => Connections.Add(1);

    /// <summary>A connection closed.</summary>
    public static void ConnectionClosed() => Connections.Add(-1);
}
