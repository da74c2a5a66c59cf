using OrleansLog.Records;
using OrleansLog.Segments;

namespace OrleansLog.Tests.Segments;

public sealed class SegmentReaderTests
{
    private const string Segment = "topic/0/segment.log";
    private const int ReadAhead = 64 * 1024;

    [Fact]
    public async Task A_sequential_reader_finds_each_next_chunk_already_read_ahead_and_reads_every_byte_from_storage_once()
    {
        var (store, size, batches) = await SegmentOfAsync(count: 40, valueBytes: 10_000);
        var batchBytes = size / batches;
        var reader = new SegmentReader(store, ReadAhead);

        var read = new List<long>();
        var offset = 0L;
        var calls = 0;
        var alreadyRead = 0;
        while (offset < batches)
        {
            // Is the batch at this offset already in a chunk read from storage before this read asks for it?
            var at = offset * batchBytes;
            if (store.Reads.Any(p => p <= at && at + batchBytes <= p + ReadAhead))
            {
                alreadyRead++;
            }

            var chunks = new List<ReadOnlyMemory<byte>>();
            await reader.ReadAsync(Segment, size, new SegmentIndex(), offset, 30_000, chunks, default);
            calls++;
            foreach (var batch in new RecordBatchSequence(Assert.Single(chunks)))
            {
                read.Add(RecordBatchHeader.Read(batch.Span).BaseOffset);
            }

            offset = read[^1] + 1;
        }

        Assert.Equal(Enumerable.Range(0, batches).Select(i => (long)i), read);
        Assert.Equal(calls - 1, alreadyRead);
        Assert.Equal(store.Reads.Distinct().Count(), store.Reads.Count);
        Assert.InRange(store.Reads.Count, size / ReadAhead, (size / ReadAhead) + 2);
    }

    [Fact]
    public async Task A_read_ahead_that_fails_only_leaves_the_next_read_to_storage_which_reports_the_error()
    {
        var (store, size, _) = await SegmentOfAsync(count: 20, valueBytes: 10_000);
        var reader = new SegmentReader(store, ReadAhead);
        var chunks = new List<ReadOnlyMemory<byte>>();
        await reader.ReadAsync(Segment, size, new SegmentIndex(), 0, 30_000, chunks, default);
        var offset = LastOffset(chunks) + 1;

        store.FailReads = true;
        var served = 0;
        var error = await Assert.ThrowsAsync<OrleansLog.Errors.StorageException>(async () =>
        {
            while (true)
            {
                chunks.Clear();
                await reader.ReadAsync(Segment, size, new SegmentIndex(), offset, 30_000, chunks, default);
                offset = LastOffset(chunks) + 1;
                served++;
            }
        });

        // The reads of the first chunk, the one that started the failing read ahead among them, were served from memory; the first
        // read that needed storage got its error.
        Assert.InRange(served, 1, 3);
        Assert.Contains("the test said so", error.Message);
    }

    private static long LastOffset(List<ReadOnlyMemory<byte>> chunks)
    {
        var last = -1L;
        foreach (var batch in new RecordBatchSequence(chunks[^1]))
        {
            last = RecordBatchHeader.Read(batch.Span).LastOffset;
        }

        return last;
    }

    private static async Task<(RecordingStore Store, long Size, int Batches)> SegmentOfAsync(int count, int valueBytes)
    {
        var store = new RecordingStore(new InMemorySegmentStore());
        await store.CreateSegmentAsync(Segment, default);
        var lease = await store.TakeLeaseAsync(Segment, default);
        long position = 0;
        for (var i = 0; i < count; i++)
        {
            using var builder = new RecordBatchBuilder();
            builder.Append(0, null, new byte[valueBytes]);
            var batch = builder.Build();
            RecordBatch.SetBaseOffset(batch, i);
            await store.AppendBlockAsync(Segment, batch, position, lease, default);
            position += batch.Length;
        }

        return (store, position, count);
    }

    // Records the position of every ranged read; can be told to fail them.
    private sealed class RecordingStore(InMemorySegmentStore inner) : ISegmentStore
    {
        public List<long> Reads { get; } = [];

        public bool FailReads { get; set; }

        public Task<byte[]> ReadAsync(string blobName, long position, int length, CancellationToken cancellationToken)
        {
            if (FailReads)
            {
                return Task.FromException<byte[]>(new OrleansLog.Errors.StorageException($"Blob storage request for {blobName} failed: the test said so."));
            }

            Reads.Add(position);
            return inner.ReadAsync(blobName, position, length, cancellationToken);
        }

        public Task<bool> CreateSegmentAsync(string blobName, CancellationToken cancellationToken) => inner.CreateSegmentAsync(blobName, cancellationToken);

        public Task<string> TakeLeaseAsync(string blobName, CancellationToken cancellationToken, bool breakHeldLease = true) => inner.TakeLeaseAsync(blobName, cancellationToken, breakHeldLease);

        public Task ReleaseLeaseAsync(string blobName, string leaseId, CancellationToken cancellationToken) => inner.ReleaseLeaseAsync(blobName, leaseId, cancellationToken);

        public Task AppendBlockAsync(string blobName, ReadOnlyMemory<byte> block, long expectedPosition, string? leaseId, CancellationToken cancellationToken) =>
            inner.AppendBlockAsync(blobName, block, expectedPosition, leaseId, cancellationToken);

        public Task<SegmentBlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken) => inner.GetPropertiesAsync(blobName, cancellationToken);

        public Task WriteBlobAsync(string blobName, byte[] content, CancellationToken cancellationToken) => inner.WriteBlobAsync(blobName, content, cancellationToken);

        public Task<byte[]?> ReadBlobAsync(string blobName, CancellationToken cancellationToken) => inner.ReadBlobAsync(blobName, cancellationToken);

        public Task DeleteAsync(string blobName, CancellationToken cancellationToken) => inner.DeleteAsync(blobName, cancellationToken);

        public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken) => inner.DeletePrefixAsync(prefix, cancellationToken);

        public Task<List<string>> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);
    }
}
