using Microsoft.Extensions.Logging;
using OrleansLog.Errors;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Partitions;

/// <summary>
/// Rebuilds a partition from storage when it activates: it takes the next leader epoch (fencing any earlier activation), restores the
/// producer state the manifest recorded, and replays the active segment into the log: from its checkpoint when one describes it
/// (<see cref="SegmentCheckpoint"/>), otherwise from its start. Every batch's CRC and length is checked and
/// the offsets must run on without a gap; a torn or corrupt tail ends the segment there (it is sealed at its valid length) and a
/// fresh one starts.
/// </summary>
internal sealed class PartitionRecovery(
    PartitionGrainKey key,
    ManifestWriter manifest,
    PartitionLog log,
    ActiveSegment active,
    GroupCommitter committer,
    SegmentReader reader,
    AcknowledgedOffsets acknowledged,
    TimeProvider time,
    ILogger logger)
{
    /// <summary>Recovers the partition; <paramref name="tailShare"/> bounds how much of the segment stays in memory.</summary>
    /// <returns>What was found damaged, or null when the segment was whole.</returns>
    /// <exception cref="NotLeaderException">Another activation took the partition meanwhile.</exception>
    public async Task<string?> RecoverAsync(TopicConfig config, long tailShare, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();

        // The stopped high watermark goes in the same write as the epoch: from now on only this activation knows where the log ends.
        await manifest.UpdateAsync(m =>
        {
            m.LeaderEpoch++;
            m.StoppedHighWatermark = null;
        });
        var state = manifest.Current;
        log.Producers.Restore(state.Producers);
        log.StartAt(state.ActiveBaseOffset);
        active.StartAt(state.ActiveBaseOffset, time.GetUtcNow().ToUnixTimeMilliseconds());

        // The epoch is ours now, so the lease is too: taking it fences a previous activation still appending.
        string? damage = null;
        if (await active.OpenExistingAsync(cancellationToken) is { } size)
        {
            // A checkpoint spares the replay of what it covers: recovery reads only the bytes written after it.
            if (await active.ResumeFromCheckpointAsync(size, cancellationToken) is { } checkpoint)
            {
                log.Producers.Restore(checkpoint.Producers);
                log.StartAt(checkpoint.NextOffset);
            }

            var replayedFrom = active.Size;
            damage = await ReplayAsync(size, config, tailShare, cancellationToken);
            if (damage is not null)
            {
                logger.TornTail(key.Topic, key.Partition, active.Blob, active.Size, damage);
                if (active.Size > 0)
                {
                    await committer.SealAsync();
                }
                else
                {
                    await active.DiscardAsync(cancellationToken);
                }
            }

            var elapsed = time.GetElapsedTime(started);
            PartitionMetrics.RecoveryDuration.Record(elapsed.TotalMilliseconds);
            logger.Recovered(key.Topic, key.Partition, elapsed.TotalMilliseconds, manifest.Current.LogStartOffset, log.HighWatermark, manifest.Current.LeaderEpoch, size - replayedFrom, size);
        }

        if (acknowledged.FindLoss(key.TopicId, key.Partition, log.HighWatermark) is { } lost)
        {
            PartitionMetrics.LogRegressions.Add(1, new KeyValuePair<string, object?>("topic", key.Topic));
            logger.RecoveredShorterThanAcknowledged(key.Topic, key.Partition, log.HighWatermark, lost);
        }

        return damage;
    }

    private async Task<string?> ReplayAsync(long size, TopicConfig config, long tailShare, CancellationToken cancellationToken)
    {
        string? damage = null;
        var expected = log.NextOffset;
        await foreach (var batch in reader.ScanAsync(active.Blob, size, active.Size, cancellationToken))
        {
            RecordBatchHeader header;
            try
            {
                header = RecordBatch.Validate(batch.Span, int.MaxValue, deep: false);
            }
            catch (InvalidRecordException e)
            {
                damage = e.Message;
                break;
            }

            if (header.BaseOffset != expected)
            {
                damage = $"batch at byte {active.Size} has base offset {header.BaseOffset}, expected {expected}";
                break;
            }

            active.Track(new TailEntry(header.BaseOffset, header.LastOffset, header.MaxTimestamp, batch), config.IndexIntervalBytes);
            log.AppendRecovered(header, batch, tailShare);
            expected = header.LastOffset + 1;
        }

        log.FinishRecovery();
        if (damage is null && active.Size < size)
        {
            damage = $"the last {size - active.Size} bytes are not a whole batch";
        }

        return damage;
    }
}
