using System.Runtime.InteropServices;
using OrleansLog.Errors;

namespace OrleansLog.Segments;

/// <summary>
/// An <see cref="ISegmentStore"/> in memory, with the same conditions as Azure Blob Storage: appends at an exact position under the
/// segment's lease, Azure's block limits, and the same typed failures. For tests of the partition's logic without storage; the
/// shared conformance tests hold it to the Azure Blob store's behaviour (<c>AzureBlobSegmentStore</c> in <c>OrleansLog.Storage.AzureBlob</c>).
/// </summary>
internal sealed class InMemorySegmentStore(TimeProvider time) : ISegmentStore
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, StoredBlob> _blobs = new(StringComparer.Ordinal);

    /// <summary>Creates an empty store on the system clock.</summary>
    public InMemorySegmentStore()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Bytes returned by <see cref="ReadAsync"/> so far, for tests that prove how much of a segment a step read.</summary>
    public long BytesRead { get; private set; }

    public Task<bool> CreateSegmentAsync(string blobName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_blobs.ContainsKey(blobName))
            {
                return Task.FromResult(false);
            }

            _blobs[blobName] = new StoredBlob(time.GetUtcNow(), appendable: true);
            return Task.FromResult(true);
        }
    }

    public Task<string> TakeLeaseAsync(string blobName, CancellationToken cancellationToken, bool breakHeldLease = true)
    {
        lock (_lock)
        {
            var blob = Get(blobName, "Taking the lease on");
            if (breakHeldLease)
            {
                blob.LeaseId = null;
            }

            if (blob.LeaseId is not null)
            {
                throw new NotLeaderException($"Another activation took the lease on {blobName} while this one was taking it. This activation is fenced; retry.");
            }

            blob.LeaseId = Guid.NewGuid().ToString();
            return Task.FromResult(blob.LeaseId);
        }
    }

    public Task ReleaseLeaseAsync(string blobName, string leaseId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_blobs.TryGetValue(blobName, out var blob) && blob.LeaseId == leaseId)
            {
                blob.LeaseId = null;
            }

            return Task.CompletedTask;
        }
    }

    public Task AppendBlockAsync(string blobName, ReadOnlyMemory<byte> block, long expectedPosition, string? leaseId, CancellationToken cancellationToken)
    {
        if (block.Length > SegmentLimits.MaxAppendBlockBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(block), block.Length, $"An append block holds at most {SegmentLimits.MaxAppendBlockBytes} bytes.");
        }

        lock (_lock)
        {
            var blob = Get(blobName, $"Appending {block.Length} bytes to");
            if (!blob.Appendable)
            {
                throw new StorageException($"Appending {block.Length} bytes to {blobName} failed: it is not an append blob.");
            }

            if (blob.LeaseId != leaseId || blob.Content.Count != expectedPosition)
            {
                // As on Azure: a retry whose first attempt landed finds its own bytes there, which is success, not fencing.
                if (blob.Content.Count == expectedPosition + block.Length && block.Span.SequenceEqual(CollectionsMarshal.AsSpan(blob.Content).Slice((int)expectedPosition, block.Length)))
                {
                    return Task.CompletedTask;
                }

                throw new NotLeaderException(
                    $"Segment {blobName} is no longer at position {expectedPosition}: another activation appended to it. This activation is fenced; retry.");
            }

            if (blob.BlockCount >= SegmentLimits.MaxAppendBlocks)
            {
                throw new StorageException($"Appending {block.Length} bytes to {blobName} failed: it holds {SegmentLimits.MaxAppendBlocks} blocks, Azure's limit.");
            }

            blob.Content.AddRange(block.Span);
            blob.BlockCount++;
            return Task.CompletedTask;
        }
    }

    public Task<byte[]> ReadAsync(string blobName, long position, int length, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var blob = Get(blobName, "Reading");
            if (position < 0 || position > blob.Content.Count)
            {
                throw new StorageException($"Blob storage request for {blobName} failed: range {position}+{length} is outside its {blob.Content.Count} bytes.");
            }

            var count = (int)Math.Min(length, blob.Content.Count - position);
            BytesRead += count;
            return Task.FromResult(blob.Content.GetRange((int)position, count).ToArray());
        }
    }

    public Task<SegmentBlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_blobs.TryGetValue(blobName, out var blob)
                ? new SegmentBlobProperties(blob.Content.Count, blob.CreatedOn, blob.BlockCount)
                : null);
        }
    }

    public Task WriteBlobAsync(string blobName, byte[] content, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var blob = new StoredBlob(time.GetUtcNow(), appendable: false);
            blob.Content.AddRange(content);
            _blobs[blobName] = blob;
            return Task.CompletedTask;
        }
    }

    public Task<byte[]?> ReadBlobAsync(string blobName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_blobs.TryGetValue(blobName, out var blob) ? blob.Content.ToArray() : null);
        }
    }

    public Task DeleteAsync(string blobName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _blobs.Remove(blobName);
            return Task.CompletedTask;
        }
    }

    public Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var names = Names(prefix);
            foreach (var name in names)
            {
                _blobs.Remove(name);
            }

            return Task.FromResult(names.Count);
        }
    }

    public Task<List<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Names(prefix));
        }
    }

    private List<string> Names(string prefix) => [.. _blobs.Keys.Where(name => name.StartsWith(prefix, StringComparison.Ordinal))];

    private StoredBlob Get(string blobName, string what) =>
        _blobs.TryGetValue(blobName, out var blob)
            ? blob
            : throw new StorageException($"{what} {blobName} failed: 404 BlobNotFound.");

    private sealed class StoredBlob(DateTimeOffset createdOn, bool appendable)
    {
        public List<byte> Content { get; } = [];

        public DateTimeOffset CreatedOn { get; } = createdOn;

        public bool Appendable { get; } = appendable;

        public string? LeaseId { get; set; }

        public int BlockCount { get; set; }
    }
}
