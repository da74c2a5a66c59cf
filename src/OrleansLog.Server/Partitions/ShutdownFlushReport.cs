using Microsoft.Extensions.Logging;

namespace OrleansLog.Partitions;

/// <summary>
/// Confirms in the log that a graceful silo shutdown flushed every partition: each partition reports its deactivation flush
/// here (one Debug line each), and once Orleans has deactivated every grain this writes one Information line with the totals.
/// </summary>
/// <remarks>
/// Orleans deactivates all activations when the <see cref="ServiceLifecycleStage.BecomeActive"/> stage stops; stages stop in
/// reverse order, so the summary, at <see cref="ServiceLifecycleStage.ApplicationServices"/>, comes after the last partition.
/// </remarks>
internal sealed partial class ShutdownFlushReport(ILogger<ShutdownFlushReport> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    private int _partitions;
    private long _records;
    private int _failed;

    /// <summary>How many partitions reported a shutdown flush so far.</summary>
    public int Partitions => Volatile.Read(ref _partitions);

    /// <summary>How many records those partitions made durable while shutting down.</summary>
    public long Records => Interlocked.Read(ref _records);

    /// <summary>How many partitions still had unflushed data when they deactivated.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Records one partition's deactivation flush at shutdown.</summary>
    /// <param name="topic">The partition's topic.</param>
    /// <param name="partition">The partition number.</param>
    /// <param name="records">Records that became durable during the deactivation flush.</param>
    /// <param name="highWatermark">The partition's high watermark after the flush.</param>
    /// <param name="unflushedBytes">Bytes still not durable (0 when the flush completed).</param>
    public void Record(string topic, int partition, long records, long highWatermark, long unflushedBytes)
    {
        Interlocked.Increment(ref _partitions);
        Interlocked.Add(ref _records, records);
        if (unflushedBytes > 0)
        {
            Interlocked.Increment(ref _failed);
        }

        LogPartitionFlushed(topic, partition, records, highWatermark, unflushedBytes);
    }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ShutdownFlushReport), ServiceLifecycleStage.ApplicationServices, _ => Task.CompletedTask, _ =>
        {
            LogSummary(Partitions, Records, Failed);
            return Task.CompletedTask;
        });

    [LoggerMessage(Level = LogLevel.Debug, Message = "Partition {Topic}-{Partition} flushed {Records} records at shutdown: high watermark {HighWatermark}, {UnflushedBytes} bytes not flushed")]
    private partial void LogPartitionFlushed(string topic, int partition, long records, long highWatermark, long unflushedBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutdown flushed {Partitions} partitions, {Records} records, {Failed} failed")]
    private partial void LogSummary(int partitions, long records, int failed);
}
