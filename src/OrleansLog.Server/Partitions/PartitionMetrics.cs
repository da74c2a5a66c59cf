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

    public static readonly Counter<long> CompactionReadBytes = Meter.CreateCounter<long>("orleanslog.compaction.read.bytes", "By", "Bytes of segments compaction read.");

    public static readonly Counter<long> CompactionReclaimedBytes = Meter.CreateCounter<long>("orleanslog.compaction.reclaimed.bytes", "By", "Bytes compaction removed from partitions' logs.");

    public static readonly Histogram<double> CompactionDuration = Meter.CreateHistogram<double>("orleanslog.compaction.duration", "ms", "Time one compaction pass took, from its start to the manifest switch.");

    public static readonly Histogram<double> CompactionDirtyRatio = Meter.CreateHistogram<double>(
        "orleanslog.compaction.dirty.ratio", "1", "The dirty ratio (uncompacted share of sealed bytes) of each partition when its compaction started.");

    private static long s_lastCompactionMs;

    public static readonly ObservableGauge<long> LastCompaction = Meter.CreateObservableGauge(
        "orleanslog.compaction.last.time", () => Interlocked.Read(ref s_lastCompactionMs) / 1000, "s", "Unix time of the last compaction this silo finished (0 before the first).");

    /// <summary>Records that a compaction finished now.</summary>
    public static void CompactionFinished(long nowMs) => Interlocked.Exchange(ref s_lastCompactionMs, nowMs);
}
