using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Producing;

/// <summary>
/// A partition grain that keeps every append call's bytes and answers with consecutive offsets, or, with <see cref="Hang"/>, never
/// answers (a partition stuck on storage).
/// </summary>
internal sealed class FakePartitionGrain : IPartitionGrain
{
    private readonly List<byte[]> _appends = [];
    private long _nextOffset;

    public bool Hang { get; set; }

    /// <summary>How many of the next append calls never answer (requests lost with a dead silo); later ones answer.</summary>
    public int HangingAppends { get; set; }

    /// <summary>The payload of each append call, in order.</summary>
    public IReadOnlyList<byte[]> Appends
    {
        get
        {
            lock (_appends)
            {
                return [.. _appends];
            }
        }
    }

    /// <summary>Completes when the first append call arrives.</summary>
    public TaskCompletionSource FirstAppend { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<AppendResult> AppendAsync(byte[] batches, Acks acks, CancellationToken cancellationToken = default)
    {
        long baseOffset;
        bool hang;
        lock (_appends)
        {
            hang = Hang || HangingAppends-- > 0;
            _appends.Add(batches);
            baseOffset = _nextOffset;
            foreach (var batch in new RecordBatchSequence(batches))
            {
                _nextOffset += RecordBatchHeader.Read(batch.Span).RecordCount;
            }
        }

        FirstAppend.TrySetResult();
        return hang ? new TaskCompletionSource<AppendResult>().Task : Task.FromResult(new AppendResult(baseOffset, -1, 0));
    }

    public Task<PendingAppend> AppendPendingAsync(byte[] batches, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task WaitDurableAsync(long lastOffset, int leaderEpoch, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<FetchResult> FetchAsync(long offset, int maxBytes, TimeSpan maxWait, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<OffsetAndTimestamp> ListOffsetAsync(long timestamp, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<PartitionDescription> DescribeAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task UpdateConfigAsync(TopicConfig config, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task DeleteAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
