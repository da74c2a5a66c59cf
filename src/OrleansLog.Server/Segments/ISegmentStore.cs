using OrleansLog.Errors;

namespace OrleansLog.Segments;

/// <summary>
/// Where a partition's segments live: append-only segment blobs written under a lease at an exact position, and whole blobs for indexes.
/// The conditions are the contract: an append at the wrong position or without the segment's current lease fails with
/// <see cref="NotLeaderException"/> (unless the very same bytes are already there, which is a lost response being retried), and other
/// storage failures surface as <see cref="StorageException"/>. The Azure Blob store (<c>AzureBlobSegmentStore</c> in
/// <c>OrleansLog.Storage.AzureBlob</c>) keeps segments in append blobs; <see cref="InMemorySegmentStore"/> keeps them in memory for
/// tests of the log's logic.
/// </summary>
internal interface ISegmentStore
{
    /// <summary>Creates the segment if it does not exist yet; true when this call created it.</summary>
    Task<bool> CreateSegmentAsync(string blobName, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the segment's write lease and returns its id, breaking a lease left behind when <paramref name="breakHeldLease"/>; without
    /// breaking, a lease someone holds fails the call with <see cref="NotLeaderException"/>.
    /// </summary>
    Task<string> TakeLeaseAsync(string blobName, CancellationToken cancellationToken, bool breakHeldLease = true);

    /// <summary>Releases the lease if it is still <paramref name="leaseId"/>; a gone segment or a newer lease is left alone.</summary>
    Task ReleaseLeaseAsync(string blobName, string leaseId, CancellationToken cancellationToken);

    /// <summary>Appends one block at exactly <paramref name="expectedPosition"/> under <paramref name="leaseId"/>.</summary>
    Task AppendBlockAsync(string blobName, ReadOnlyMemory<byte> block, long expectedPosition, string? leaseId, CancellationToken cancellationToken);

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="position"/> (fewer at the end).</summary>
    Task<byte[]> ReadAsync(string blobName, long position, int length, CancellationToken cancellationToken);

    /// <summary>The size, creation time and block count of a segment, or null when it does not exist.</summary>
    Task<SegmentBlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken);

    /// <summary>Writes (or overwrites) a whole blob.</summary>
    Task WriteBlobAsync(string blobName, byte[] content, CancellationToken cancellationToken);

    /// <summary>Reads a whole blob, or null when it does not exist.</summary>
    Task<byte[]?> ReadBlobAsync(string blobName, CancellationToken cancellationToken);

    /// <summary>Deletes a blob if it exists, whatever lease it has.</summary>
    Task DeleteAsync(string blobName, CancellationToken cancellationToken);

    /// <summary>Deletes every blob under <paramref name="prefix"/>; returns how many.</summary>
    Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The names of the blobs under <paramref name="prefix"/>, in ordinal order.</summary>
    Task<List<string>> ListAsync(string prefix, CancellationToken cancellationToken);
}
