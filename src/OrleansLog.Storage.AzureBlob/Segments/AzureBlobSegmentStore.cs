using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using OrleansLog.Errors;
using OrleansLog.Storage;

namespace OrleansLog.Segments;

/// <summary>The <see cref="ISegmentStore"/> on Azure Blob Storage: append blobs for segments, block blobs for indexes.</summary>
/// <remarks>One per silo. Enforces Azure's real limits even where Azurite is more lenient.</remarks>
internal sealed class AzureBlobSegmentStore : ISegmentStore
{
    private readonly BlobContainerClient _container;
    private readonly StorageFailures _failures;
    private Task? _created;

    /// <summary>Creates the store over the configured container.</summary>
    public AzureBlobSegmentStore(IOptions<OrleansLogStorageOptions> options)
    {
        var value = options.Value;
        _container = value.CreateBlobServiceClient().GetBlobContainerClient(value.ContainerName);
        _failures = new StorageFailures(value.RequestTimeout, value.MaxRetries);
    }

    /// <summary>The container segments live in.</summary>
    public BlobContainerClient Container => _container;

    /// <summary>Creates the segment's append blob if it does not exist yet; true when this call created it.</summary>
    public async Task<bool> CreateSegmentAsync(string blobName, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var created = await Run(() => _container.GetAppendBlobClient(blobName).CreateIfNotExistsAsync(cancellationToken: cancellationToken), blobName, cancellationToken).ConfigureAwait(false);
        return created is not null;
    }

    /// <summary>
    /// Takes the segment's write lease (infinite), breaking one a previous activation left behind (a dead silo's lease never
    /// expires by itself). Returns the lease id every later append must carry; the activation that held the lease before is fenced.
    /// With <paramref name="breakHeldLease"/> false (a blob the caller just created, which no earlier writer can have leased) it only
    /// acquires, and a lease someone took meanwhile makes it fail with <see cref="NotLeaderException"/>.
    /// </summary>
    public async Task<string> TakeLeaseAsync(string blobName, CancellationToken cancellationToken, bool breakHeldLease = true)
    {
        var blob = _container.GetBlobClient(blobName);
        if (breakHeldLease)
        {
            await BreakLeaseAsync(blob, cancellationToken).ConfigureAwait(false);
        }

        var lease = blob.GetBlobLeaseClient(Guid.NewGuid().ToString());
        try
        {
            var acquired = await lease.AcquireAsync(BlobLeaseClient.InfiniteLeaseDuration, cancellationToken: cancellationToken).ConfigureAwait(false);
            return acquired.Value.LeaseId;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Someone took the lease between our break and our acquire: a newer activation.
            throw new NotLeaderException($"Another activation took the lease on {blobName} while this one was taking it. This activation is fenced; retry.", e);
        }
        catch (RequestFailedException e)
        {
            throw new StorageException($"Taking the lease on {blobName} failed: {e.Status} {e.ErrorCode}.", e);
        }
        catch (Exception e) when (StorageFailures.IsUnanswered(e, cancellationToken))
        {
            throw _failures.Unanswered($"Taking the lease on {blobName}", e);
        }
    }

    /// <summary>Releases the segment's write lease (at seal or graceful deactivation), so the next writer need not break it.</summary>
    public async Task ReleaseLeaseAsync(string blobName, string leaseId, CancellationToken cancellationToken)
    {
        try
        {
            await _container.GetBlobClient(blobName).GetBlobLeaseClient(leaseId).ReleaseAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            // Gone, or already taken by a newer activation: either way it is no longer ours to release.
        }
        catch (RequestFailedException e)
        {
            throw new StorageException($"Releasing the lease on {blobName} failed: {e.Status} {e.ErrorCode}.", e);
        }
        catch (Exception e) when (StorageFailures.IsUnanswered(e, cancellationToken))
        {
            throw _failures.Unanswered($"Releasing the lease on {blobName}", e);
        }
    }

    /// <summary>
    /// Appends one block at exactly <paramref name="expectedPosition"/> under lease <paramref name="leaseId"/>. Throws
    /// <see cref="NotLeaderException"/> when the lease was taken or the blob has moved on (another activation appended),
    /// so a stale writer fails loudly instead of interleaving its data.
    /// </summary>
    public async Task AppendBlockAsync(string blobName, ReadOnlyMemory<byte> block, long expectedPosition, string? leaseId, CancellationToken cancellationToken)
    {
        if (block.Length > SegmentLimits.MaxAppendBlockBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(block), block.Length, $"An append block holds at most {SegmentLimits.MaxAppendBlockBytes} bytes.");
        }

        var client = _container.GetAppendBlobClient(blobName);
        var options = new AppendBlobAppendBlockOptions
        {
            Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = expectedPosition, LeaseId = leaseId },
        };
        try
        {
            using var stream = new ReadOnlyMemoryStream(block);
            await client.AppendBlockAsync(stream, options, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412 || (e.Status == 409 && IsLeaseError(e)))
        {
            // A retry of an append whose first attempt did land (its response was lost) fails the position condition too:
            // that is success, not fencing. Only data that is not ours at that position means another writer.
            if (await HoldsBlockAtAsync(client, block, expectedPosition, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            throw new NotLeaderException(
                $"Segment {blobName} is no longer at position {expectedPosition}: another activation appended to it. This activation is fenced; retry.", e);
        }
        catch (RequestFailedException e)
        {
            throw new StorageException($"Appending {block.Length} bytes to {blobName} failed: {e.Status} {e.ErrorCode}.", e);
        }
        catch (Exception e) when (StorageFailures.IsUnanswered(e, cancellationToken))
        {
            throw _failures.Unanswered($"Appending {block.Length} bytes to {blobName}", e);
        }
    }

    private static async Task<bool> HoldsBlockAtAsync(AppendBlobClient client, ReadOnlyMemory<byte> block, long position, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await client.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (properties.Value.ContentLength != position + block.Length)
            {
                return false;
            }

            var stored = await client.DownloadContentAsync(
                new BlobDownloadOptions { Range = new HttpRange(position, block.Length) }, cancellationToken).ConfigureAwait(false);
            return stored.Value.Content.ToMemory().Span.SequenceEqual(block.Span);
        }
        catch (RequestFailedException)
        {
            return false;
        }
    }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="position"/> (fewer at the end of the blob).</summary>
    public async Task<byte[]> ReadAsync(string blobName, long position, int length, CancellationToken cancellationToken)
    {
        var response = await Run(
            () => _container.GetBlobClient(blobName).DownloadContentAsync(
                new BlobDownloadOptions { Range = new HttpRange(position, length) }, cancellationToken),
            blobName,
            cancellationToken).ConfigureAwait(false);
        return response.Value.Content.ToArray();
    }

    /// <summary>The size, creation time and block count of a segment blob, or null when it does not exist.</summary>
    public async Task<SegmentBlobProperties?> GetPropertiesAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await _container.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new SegmentBlobProperties(properties.ContentLength, properties.CreatedOn, properties.BlobCommittedBlockCount);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw new StorageException($"Reading the properties of {blobName} failed: {e.Status} {e.ErrorCode}.", e);
        }
        catch (Exception e) when (StorageFailures.IsUnanswered(e, cancellationToken))
        {
            throw _failures.Unanswered($"Reading the properties of {blobName}", e);
        }
    }

    /// <summary>Writes (or overwrites) a whole block blob.</summary>
    public async Task WriteBlobAsync(string blobName, byte[] content, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        await Run(() => _container.GetBlobClient(blobName).UploadAsync(new BinaryData(content), overwrite: true, cancellationToken), blobName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a whole blob, or null when it does not exist.</summary>
    public async Task<byte[]?> ReadBlobAsync(string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return response.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw new StorageException($"Reading {blobName} failed: {e.Status} {e.ErrorCode}.", e);
        }
        catch (Exception e) when (StorageFailures.IsUnanswered(e, cancellationToken))
        {
            throw _failures.Unanswered($"Reading {blobName}", e);
        }
    }

    /// <summary>Deletes a blob if it exists, breaking a write lease a dead activation left on it.</summary>
    public async Task DeleteAsync(string blobName, CancellationToken cancellationToken)
    {
        await Run(() => DeleteBreakingLeaseAsync(_container.GetBlobClient(blobName), cancellationToken), blobName, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Response<bool>> DeleteBreakingLeaseAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 412 or 409 && IsLeaseError(e))
        {
            await BreakLeaseAsync(blob, cancellationToken).ConfigureAwait(false);
            return await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task BreakLeaseAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            await blob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // No lease on the blob: nothing to break.
        }
        catch (RequestFailedException e)
        {
            throw new StorageException($"Breaking the lease on {blob.Name} failed: {e.Status} {e.ErrorCode}.", e);
        }
    }

    private static bool IsLeaseError(RequestFailedException e) =>
        e.ErrorCode is not null && e.ErrorCode.Contains("Lease", StringComparison.OrdinalIgnoreCase);

    /// <summary>Deletes every blob under <paramref name="prefix"/>; returns how many were deleted.</summary>
    public async Task<int> DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        var deleted = 0;
        try
        {
            await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
            {
                await DeleteBreakingLeaseAsync(_container.GetBlobClient(item.Name), cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // The container itself is gone: nothing left to delete.
        }
        catch (Exception e) when (StorageFailures.IsUnanswered(e, cancellationToken))
        {
            throw _failures.Unanswered($"Deleting the blobs under {prefix}", e);
        }

        return deleted;
    }

    /// <summary>Lists the names of the blobs under <paramref name="prefix"/>.</summary>
    public async Task<List<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        try
        {
            await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
            {
                names.Add(item.Name);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
        catch (Exception e) when (StorageFailures.IsUnanswered(e, cancellationToken))
        {
            throw _failures.Unanswered($"Listing the blobs under {prefix}", e);
        }

        return names;
    }

    private Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        // Creating the container once per silo is enough; a failed attempt is retried by the next caller.
        var created = _created;
        if (created is null || created.IsFaulted || created.IsCanceled)
        {
            created = _created = Run(() => _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken), _container.Name, cancellationToken);
        }

        return created;
    }

    private async Task<T> Run<T>(Func<Task<T>> operation, string blobName, CancellationToken cancellationToken)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (RequestFailedException e)
        {
            throw new StorageException($"Blob storage request for {blobName} failed: {e.Status} {e.ErrorCode}. {FirstLine(e.Message)}", e);
        }
        catch (Exception e) when (StorageFailures.IsUnanswered(e, cancellationToken))
        {
            throw _failures.Unanswered($"Blob storage request for {blobName}", e);
        }
    }

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n');
        return newline < 0 ? message : message[..newline].TrimEnd();
    }
}
