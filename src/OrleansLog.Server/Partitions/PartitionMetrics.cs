using System.Diagnostics.Metrics;

namespace OrleansLog.Partitions;

/// <summary>The partition grains' instruments on the <c>OrleansLog</c> meter.</summary>
internal static class PartitionMetrics
{
    public static readonly Meter Meter = new(Hosting.OrleansLogMeter.Name);

    public static readonly Counter<long> AppendedBytes = Meter.CreateCounter<long>("orleanslog.partition.append.bytes", "By", "Bytes of record batches appended.");

    public static readonly Counter<long> FlushedBytes = Meter.CreateCounter<long>("orleanslog.partition.flush.bytes", "By", "Bytes written to segment blobs.");

    public static readonly Counter<long> Flushes = Meter.CreateCounter<long>("orleanslog.partition.flush.count", "{append}", "Append-blob blocks written (group commits).");

    public static readonly Counter<long> FetchedBytes = Meter.CreateCounter<long>("orleanslog.partition.fetch.bytes", "By", "Bytes of record batches returned by fetches.");

    public static readonly Counter<long> LogRegressions = Meter.CreateCounter<long>(
        "orleanslog.partition.log.regressions", "{event}", "Times a partition found storage missing writes it had acknowledged (the log went backwards).");

    public static readonly Histogram<double> RecoveryDuration = Meter.CreateHistogram<double>(
        "orleanslog.partition.recovery.duration", "ms", "Time a partition activation took to recover its log from storage (epoch, lease, checkpoint, replay).");

    public static readonly Counter<long> DeletedSegments = Meter.CreateCounter<long>("orleanslog.partition.retention.segments", "{segment}", "Segments deleted by retention.");
}
