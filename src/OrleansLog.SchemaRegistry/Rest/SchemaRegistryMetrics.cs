using System.Diagnostics.Metrics;

namespace OrleansLog.SchemaRegistry.Rest;

/// <summary>The REST API's instruments, on the meter <see cref="MeterName"/>.</summary>
internal static class SchemaRegistryMetrics
{
    /// <summary>The meter's name, to add to a metrics exporter.</summary>
    public const string MeterName = "OrleansLog.SchemaRegistry";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("orleanslog.schemaregistry.requests", description: "Schema registry REST requests answered, per route and HTTP status.");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("orleanslog.schemaregistry.errors", description: "Error codes returned to schema registry clients, per route and code.");
    private static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("orleanslog.schemaregistry.request.duration", "ms", "Time from a request's arrival to its answer, per route.");

    /// <summary>Counts an answered request and its latency.</summary>
    public static void RecordRequest(string route, int status, TimeSpan elapsed)
    {
        var routeTag = new KeyValuePair<string, object?>("route", route);
        Requests.Add(1, routeTag, new KeyValuePair<string, object?>("status", status));
        Latency.Record(elapsed.TotalMilliseconds, routeTag);
    }

    /// <summary>Counts an error code sent to a client.</summary>
    public static void RecordError(string route, int errorCode) =>
        Errors.Add(1, new KeyValuePair<string, object?>("route", route), new KeyValuePair<string, object?>("error_code", errorCode));
}
