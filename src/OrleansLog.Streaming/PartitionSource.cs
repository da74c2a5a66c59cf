using OrleansLog.Client;
using OrleansLog.Errors;
using OrleansLog.Groups;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.Streaming;

/// <summary>One partition of the provider's topic as a queue sees it: reads, offsets by time, and the group's checkpoint.</summary>
internal sealed class PartitionSource(OrleansLogClient client, string topic, int partition, string group, StreamRecordCodec codec)
{
    public string Topic => topic;

    public int Partition => partition;

    public TopicPartition TopicPartition => new(topic, partition);

    /// <summary>
    /// Reads records from <paramref name="offset"/>, handing each event (or, with <paramref name="stream"/>, each of that stream's events)
    /// to <paramref name="add"/>; returns the offset after the last record read and the log's start (an offset below it reads from there).
    /// </summary>
    public async Task<(long Next, long LogStart)> ReadAsync(
        long offset, int maxBytes, TimeSpan maxWait, Orleans.Runtime.StreamId? stream, Action<OrleansLogBatchContainer> add, CancellationToken cancellationToken)
    {
        FetchResult result;
        try
        {
            result = await FetchAsync(offset, maxBytes, maxWait, cancellationToken);
        }
        catch (OffsetOutOfRangeException e) when (offset < e.LogStartOffset)
        {
            // Retention removed the events before the log start: there is nothing older to read.
            return (e.LogStartOffset, e.LogStartOffset);
        }

        var next = offset;
        foreach (var batch in new RecordBatchSequence(result.Records))
        {
            var header = RecordBatchHeader.Read(batch.Span);
            if (header.LastOffset < next || header.IsControl)
            {
                next = Math.Max(next, header.LastOffset + 1);
                continue;
            }

            foreach (var record in RecordBatchReader.ReadRecords(batch))
            {
                if (record.Offset >= next && codec.Decode(record, stream) is { } container)
                {
                    add(container);
                }
            }

            next = Math.Max(next, header.LastOffset + 1);
        }

        return (next, result.LogStartOffset);
    }

    /// <summary>The first offset at or after <paramref name="timestamp"/> (Unix ms), or the end of the log when there is none.</summary>
    public async Task<long> OffsetForTimestampAsync(long timestamp, CancellationToken cancellationToken)
    {
        var found = await client.Admin.ListOffsetAsync(TopicPartition, timestamp, cancellationToken);
        return found.Offset >= 0 ? found.Offset : (await client.Admin.ListOffsetAsync(TopicPartition, OffsetSpec.Latest, cancellationToken)).Offset;
    }

    /// <summary>The log's earliest or latest offset.</summary>
    public async Task<long> ListOffsetAsync(AutoOffsetReset position, CancellationToken cancellationToken) =>
        (await client.Admin.ListOffsetAsync(TopicPartition, position == AutoOffsetReset.Earliest ? OffsetSpec.Earliest : OffsetSpec.Latest, cancellationToken)).Offset;

    /// <summary>The queue's checkpoint: the group's committed offset for the partition, or null.</summary>
    public async Task<long?> CommittedAsync(CancellationToken cancellationToken)
    {
        var offsets = await client.GrainFactory.GetGrain<IConsumerGroupGrain>(group).FetchOffsetsAsync([TopicPartition], cancellationToken);
        return offsets.Length > 0 ? offsets[0].Offset : null;
    }

    /// <summary>Commits <paramref name="offset"/> as the queue's checkpoint.</summary>
    public Task CommitAsync(long offset, CancellationToken cancellationToken) =>
        client.GrainFactory.GetGrain<IConsumerGroupGrain>(group).CommitStandaloneOffsetsAsync(
            [new CommittedOffset(topic, partition, offset, "orleans-streams", client.Time.GetUtcNow())], cancellationToken);

    private async Task<FetchResult> FetchAsync(long offset, int maxBytes, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        try
        {
            return await client.FetchAsync(TopicPartition, offset, maxBytes, maxWait, cancellationToken);
        }
        catch (UnknownTopicException)
        {
            // The topic may have been re-created under its name: the next read uses the new id.
            client.Metadata.Invalidate(topic);
            throw;
        }
    }
}
