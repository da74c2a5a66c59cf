using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansLog.Client.Telemetry;

/// <summary>
/// The client's instruments: records and bytes produced and fetched, errors and retries, and the lag of every running partition fetcher.
/// Counted per batch or fetched chunk, never per record.
/// </summary>
internal static class ClientMetrics
{
    private static readonly Meter Meter = new(OrleansLogClientMeter.Name);
    private static readonly ConcurrentDictionary<ILagSource, byte> LagSources = new();

    /// <summary>Records acknowledged to producers (with acks=none: records sent), by topic.</summary>
    public static readonly Counter<long> ProducedRecords = Meter.CreateCounter<long>("orleanslog.client.produced.records", "{record}", "Records the partitions acknowledged to this client's producers.");

    /// <summary>Record batch bytes acknowledged to producers, by topic.</summary>
    public static readonly Counter<long> ProducedBytes = Meter.CreateCounter<long>("orleanslog.client.produced.bytes", "By", "Record batch bytes the partitions acknowledged to this client's producers.");

    /// <summary>Records fetched by consumers, by topic.</summary>
    public static readonly Counter<long> FetchedRecords = Meter.CreateCounter<long>("orleanslog.client.fetched.records", "{record}", "Records this client's consumers fetched.");

    /// <summary>Record batch bytes fetched by consumers, by topic.</summary>
    public static readonly Counter<long> FetchedBytes = Meter.CreateCounter<long>("orleanslog.client.fetched.bytes", "By", "Record batch bytes this client's consumers fetched.");

    /// <summary>Calls that failed for good and reached the application (a failed delivery, a failed fetch), by operation and error type.</summary>
    public static readonly Counter<long> Errors = Meter.CreateCounter<long>("orleanslog.client.errors", "{error}", "Failures that reached the application, by operation and error type.");

    /// <summary>Calls retried after a transient failure, by operation and error type.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("orleanslog.client.retries", "{retry}", "Calls retried after a transient failure, by operation and error type.");

    public static readonly Counter<long> Resends = Meter.CreateCounter<long>(
        "orleanslog.client.produce.resends", "{append}", "Appends an idempotent producer sent again because the first had not answered within ProducerOptions.ResendInterval.");

    static ClientMetrics()
    {
        Meter.CreateObservableGauge("orleanslog.client.consumer.lag", ObserveLag, "{record}", "Records between a consumer's position and the partition's high watermark, by group, topic and partition.");
    }

    /// <summary>Reports <paramref name="source"/>'s lag until <see cref="StopReportingLag"/>.</summary>
    public static void ReportLag(ILagSource source) => LagSources.TryAdd(source, 0);

    /// <summary>Stops reporting <paramref name="source"/>'s lag.</summary>
    public static void StopReportingLag(ILagSource source) => LagSources.TryRemove(source, out _);

    /// <summary>The tags of a failure: what was being done and the error's type name.</summary>
    public static TagList Failure(string operation, string topic, Exception error) => new()
    {
        { "operation", operation },
        { "topic", topic },
        { "error", error.GetType().Name },
    };

    private static IEnumerable<Measurement<long>> ObserveLag()
    {
        foreach (var source in LagSources.Keys)
        {
            if (source.Lag is { } lag)
            {
                yield return new Measurement<long>(lag, new TagList
                {
                    { "group", source.GroupId ?? "" },
                    { "topic", source.Partition.Topic },
                    { "partition", source.Partition.Partition },
                });
            }
        }
    }
}

/// <summary>Something that knows how far a consumer is behind on one partition.</summary>
internal interface ILagSource
{
    /// <summary>The partition.</summary>
    TopicPartition Partition { get; }

    /// <summary>The consumer's group id, or null for a consumer outside a group.</summary>
    string? GroupId { get; }

    /// <summary>Records between the consumer's position and the high watermark, or null until the first fetch answered.</summary>
    long? Lag { get; }
}
