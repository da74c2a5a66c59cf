using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace OrleansLog.Storage;

/// <summary>Orleans grain storage that keeps each grain state in one block blob, <c>grainstate/{stateName}/{grainType}/{grainKey}.json</c>, with ETag concurrency.</summary>
/// <remarks>
/// A write is conditional on the ETag the activation last read or wrote (or on there being no blob
/// when it has none), so a second activation of a grain, or any other writer, makes a stale
/// activation fail with <see cref="InconsistentStateException"/> instead of overwriting newer
/// state. Transient storage failures are retried by the Azure SDK; a request that gets no answer within the client's network
/// timeout and retries fails with OrleansLog's <see cref="OrleansLog.Errors.StorageException"/> naming the state and blob; other
/// failures surface as they are.
/// </remarks>
public sealed partial class BlobGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private const string JsonContentType = "application/json";
    private const string BinaryContentType = "application/octet-stream";

    private readonly string _name;
    private readonly BlobContainerClient _container;
    private readonly BlobGrainStorageOptions _options;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activatorProvider;
    private readonly ILogger<BlobGrainStorage> _logger;
    private readonly string _contentType;

    /// <summary>Creates a provider that keeps state in <paramref name="container"/>.</summary>
    /// <param name="name">The provider's name, as grains refer to it.</param>
    /// <param name="container">The container holding the state blobs; created at silo start or on first write.</param>
    /// <param name="options">The provider's options.</param>
    /// <param name="serializer">The serializer of state: <see cref="BlobGrainStorageOptions.GrainStorageSerializer"/>, or Orleans' <see cref="SystemTextJsonGrainStorageSerializer"/> when that is null.</param>
    /// <param name="activatorProvider">Creates the empty state of a grain that has none stored.</param>
    /// <param name="logger">The provider's logger.</param>
    public BlobGrainStorage(string name, BlobContainerClient container, BlobGrainStorageOptions options, IGrainStorageSerializer serializer, IActivatorProvider activatorProvider, ILogger<BlobGrainStorage> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(activatorProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _name = name;
        _container = container;
        _options = options;
        _serializer = serializer;
        _activatorProvider = activatorProvider;
        _logger = logger;
        _contentType = _serializer is JsonGrainStorageSerializer or SystemTextJsonGrainStorageSerializer ? JsonContentType : BinaryContentType;
    }

    /// <summary>The container this provider keeps state in.</summary>
    public BlobContainerClient Container => _container;

    /// <summary>Reads the state and its ETag; a grain with no blob gets a new empty state with <c>RecordExists</c> false.</summary>
    /// <param name="stateName">The name of the state, as the grain declares it.</param>
    /// <param name="grainId">The grain whose state to read.</param>
    /// <param name="grainState">Receives the state, its ETag and whether a record exists.</param>
    /// <returns>A task that completes once the state is read.</returns>
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blobName = GrainStateBlobNames.GetBlobName(stateName, grainId);
        var blob = _container.GetBlobClient(blobName);
        try
        {
            var response = await blob.DownloadContentAsync().ConfigureAwait(false);
            var contents = response.Value.Content;

            // An empty blob is what a clear leaves when DeleteStateOnClear is false.
            var state = contents is null || contents.ToMemory().IsEmpty ? default : _serializer.Deserialize<T>(contents);
            grainState.State = state ?? CreateState<T>();
            grainState.ETag = response.Value.Details.ETag.ToString();
            grainState.RecordExists = state is not null;
            LogRead(_logger, stateName, grainId, grainState.ETag, blobName);
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            grainState.State = CreateState<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            LogNotFound(_logger, stateName, grainId, blobName, exception.ErrorCode);
        }
        catch (Exception exception)
        {
            LogReadFailed(_logger, exception, stateName, grainId, blobName);
            if (StorageFailures.IsUnanswered(exception, CancellationToken.None))
            {
                throw StorageFailures.Create($"Reading grain state '{stateName}' of {grainId} (blob {blobName})", exception);
            }

            throw;
        }
    }

    /// <summary>Writes the state if the stored ETag still matches the one the grain holds (or, holding none, if no blob exists), and takes the new ETag.</summary>
    /// <param name="stateName">The name of the state, as the grain declares it.</param>
    /// <param name="grainId">The grain whose state to write.</param>
    /// <param name="grainState">The state to write and the ETag it was based on; receives the new ETag.</param>
    /// <returns>A task that completes once the state is durable.</returns>
    /// <exception cref="InconsistentStateException">The stored state changed since the grain read it.</exception>
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blobName = GrainStateBlobNames.GetBlobName(stateName, grainId);
        var blob = _container.GetBlobClient(blobName);
        try
        {
            var contents = _serializer.Serialize(grainState.State);
            var uploadOptions = new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = _contentType },
                Conditions = Conditions(grainState.ETag),
            };

            var response = await UploadCreatingContainerAsync(blob, contents, uploadOptions, stateName, grainId, grainState.ETag).ConfigureAwait(false);
            grainState.ETag = response.Value.ETag.ToString();
            grainState.RecordExists = true;
            LogWritten(_logger, stateName, grainId, grainState.ETag, blobName);
        }
        catch (Exception exception) when (exception is not InconsistentStateException)
        {
            LogWriteFailed(_logger, exception, stateName, grainId, blobName);
            if (StorageFailures.IsUnanswered(exception, CancellationToken.None))
            {
                throw StorageFailures.Create($"Writing grain state '{stateName}' of {grainId} (blob {blobName})", exception);
            }

            throw;
        }
    }

    /// <summary>Deletes the state's blob (or empties it, see <see cref="BlobGrainStorageOptions.DeleteStateOnClear"/>) if the ETag still matches, and resets the grain's state.</summary>
    /// <param name="stateName">The name of the state, as the grain declares it.</param>
    /// <param name="grainId">The grain whose state to clear.</param>
    /// <param name="grainState">The ETag the clear is based on; receives an empty state.</param>
    /// <returns>A task that completes once the state is cleared.</returns>
    /// <exception cref="InconsistentStateException">The stored state changed since the grain read it.</exception>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var blobName = GrainStateBlobNames.GetBlobName(stateName, grainId);
        var blob = _container.GetBlobClient(blobName);
        var expectedETag = grainState.ETag;
        try
        {
            if (_options.DeleteStateOnClear)
            {
                try
                {
                    await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, Conditions(expectedETag)).ConfigureAwait(false);
                }
                catch (RequestFailedException exception) when (exception.Status == 404 && expectedETag is null)
                {
                    // Nothing stored and nothing expected: already clear.
                }
                catch (RequestFailedException exception) when (IsConflict(exception))
                {
                    throw await ConflictAsync(blob, stateName, grainId, expectedETag, exception).ConfigureAwait(false);
                }

                grainState.ETag = null;
            }
            else
            {
                var uploadOptions = new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = _contentType },
                    Conditions = Conditions(expectedETag),
                };
                var response = await UploadCreatingContainerAsync(blob, BinaryData.Empty, uploadOptions, stateName, grainId, expectedETag).ConfigureAwait(false);
                grainState.ETag = response.Value.ETag.ToString();
            }

            grainState.State = CreateState<T>();
            grainState.RecordExists = false;
            LogCleared(_logger, stateName, grainId, expectedETag, blobName);
        }
        catch (Exception exception) when (exception is not InconsistentStateException)
        {
            LogClearFailed(_logger, exception, stateName, grainId, blobName);
            if (StorageFailures.IsUnanswered(exception, CancellationToken.None))
            {
                throw StorageFailures.Create($"Clearing grain state '{stateName}' of {grainId} (blob {blobName})", exception);
            }

            throw;
        }
    }

    /// <summary>Creates the container when the silo starts.</summary>
    /// <param name="lifecycle">The silo lifecycle to join.</param>
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(OptionFormattingUtilities.Name<BlobGrainStorage>(_name), _options.InitStage, InitializeAsync);

    /// <summary>Creates the container if it does not exist.</summary>
    internal async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            LogInitialized(_logger, _name, _container.Name, stopwatch.ElapsedMilliseconds);
        }
        catch (Exception exception)
        {
            LogInitializeFailed(_logger, exception, _name, _container.Name, _container.Uri);
            throw;
        }
    }

    private async Task<Response<BlobContentInfo>> UploadCreatingContainerAsync(
        BlobClient blob, BinaryData contents, BlobUploadOptions uploadOptions, string stateName, GrainId grainId, string? expectedETag)
    {
        var createdContainer = false;
        while (true)
        {
            try
            {
                return await blob.UploadAsync(contents, uploadOptions).ConfigureAwait(false);
            }
            catch (RequestFailedException exception) when (IsContainerNotFound(exception) && !createdContainer)
            {
                // Normally created at silo start; this covers a container deleted since, and providers used without a silo.
                LogCreatingContainer(_logger, _container.Name);
                await _container.CreateIfNotExistsAsync().ConfigureAwait(false);
                createdContainer = true;
            }
            catch (RequestFailedException exception) when (IsConflict(exception))
            {
                throw await ConflictAsync(blob, stateName, grainId, expectedETag, exception).ConfigureAwait(false);
            }
        }
    }

    private async Task<InconsistentStateException> ConflictAsync(BlobClient blob, string stateName, GrainId grainId, string? expectedETag, RequestFailedException exception)
    {
        // Only on the failure path: look up what is stored, so the message says what changed.
        string storedETag;
        try
        {
            storedETag = (await blob.GetPropertiesAsync().ConfigureAwait(false)).Value.ETag.ToString();
        }
        catch (RequestFailedException lookup) when (lookup.Status == 404)
        {
            storedETag = "none (no blob)";
        }

        var expected = expectedETag ?? "none (no blob)";
        LogConflict(_logger, stateName, grainId, storedETag, expected, blob.Name);
        return new InconsistentStateException(
            $"Grain state '{stateName}' of grain {grainId} changed underneath this activation: blob '{blob.Name}' in container '{blob.BlobContainerName}' " +
            $"has ETag {storedETag}, but the write expected {expected} (HTTP {exception.Status} {exception.ErrorCode}). Another activation or writer updated it; re-read the state.",
            storedETag,
            expected,
            exception);
    }

    private static BlobRequestConditions Conditions(string? etag) =>
        etag is null
            ? new BlobRequestConditions { IfNoneMatch = ETag.All }
            : new BlobRequestConditions { IfMatch = new ETag(etag) };

    // 412: the ETag no longer matches. 409: If-None-Match:* on a blob that exists. 404 (blob, not
    // container): If-Match on a blob that was deleted since.
    private static bool IsConflict(RequestFailedException exception) =>
        exception.Status is 412 or 409 || (exception.Status == 404 && !IsContainerNotFound(exception));

    private static bool IsContainerNotFound(RequestFailedException exception) =>
        exception.Status == 404 && exception.ErrorCode == BlobErrorCode.ContainerNotFound;

    private T CreateState<T>() => _activatorProvider.GetActivator<T>().Create();

    [LoggerMessage(Level = LogLevel.Trace, Message = "Read state {StateName} of {GrainId}: ETag {ETag}, blob {BlobName}")]
    private static partial void LogRead(ILogger logger, string stateName, GrainId grainId, string? eTag, string blobName);

    [LoggerMessage(Level = LogLevel.Trace, Message = "No stored state {StateName} of {GrainId}: blob {BlobName} ({ErrorCode})")]
    private static partial void LogNotFound(ILogger logger, string stateName, GrainId grainId, string blobName, string? errorCode);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Wrote state {StateName} of {GrainId}: ETag {ETag}, blob {BlobName}")]
    private static partial void LogWritten(ILogger logger, string stateName, GrainId grainId, string? eTag, string blobName);

    [LoggerMessage(Level = LogLevel.Trace, Message = "Cleared state {StateName} of {GrainId} (was ETag {ETag}), blob {BlobName}")]
    private static partial void LogCleared(ILogger logger, string stateName, GrainId grainId, string? eTag, string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "State {StateName} of {GrainId} changed underneath this activation: stored ETag {StoredETag}, expected {ExpectedETag}, blob {BlobName}")]
    private static partial void LogConflict(ILogger logger, string stateName, GrainId grainId, string storedETag, string expectedETag, string blobName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reading state {StateName} of {GrainId} from blob {BlobName} failed")]
    private static partial void LogReadFailed(ILogger logger, Exception exception, string stateName, GrainId grainId, string blobName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing state {StateName} of {GrainId} to blob {BlobName} failed")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, string stateName, GrainId grainId, string blobName);

    [LoggerMessage(Level = LogLevel.Error, Message = "Clearing state {StateName} of {GrainId} in blob {BlobName} failed")]
    private static partial void LogClearFailed(ILogger logger, Exception exception, string stateName, GrainId grainId, string blobName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Container {ContainerName} missing; creating it")]
    private static partial void LogCreatingContainer(ILogger logger, string containerName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob grain storage {ProviderName} ready: container {ContainerName} ({ElapsedMilliseconds} ms)")]
    private static partial void LogInitialized(ILogger logger, string providerName, string containerName, long elapsedMilliseconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Blob grain storage {ProviderName} could not create container {ContainerName} at {ServiceUri}")]
    private static partial void LogInitializeFailed(ILogger logger, Exception exception, string providerName, string containerName, Uri serviceUri);
}
