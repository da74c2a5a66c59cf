using System.Diagnostics;
using Azure.Identity;
using Azure.Storage.Blobs;
using OrleansLog.Storage;

namespace OrleansLog.Silo;

/// <summary>
/// Asks the storage account one question (does the container exist) before Orleans starts, so that an endpoint nobody listens
/// on, a wrong key or a hanging listener ends the silo with one line naming the endpoint and the setting, not with minutes of
/// retries and stack traces from every storage provider.
/// </summary>
internal static class StorageStartupCheck
{
    /// <summary>Returns null when the storage account answered within <paramref name="timeout"/>, else one line saying what failed and which setting to check.</summary>
    /// <param name="storage">The storage settings the silo will run with (the local Azurite's connection string when none is configured).</param>
    /// <param name="settingKey">The setting the account came from, named in the message.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    public static async Task<string?> CheckAsync(OrleansLogStorageOptions storage, string settingKey, TimeSpan timeout)
    {
        // One try: the silo's own client retries for tens of seconds, which is right for a running log and wrong for a start-up
        // check that should answer within the timeout. The network timeout is longer so that our token decides.
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = timeout + TimeSpan.FromSeconds(1);
        var client = !string.IsNullOrWhiteSpace(storage.ConnectionString)
            ? new BlobServiceClient(storage.ConnectionString, clientOptions)
            : new BlobServiceClient(storage.BlobServiceUri, new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = storage.ManagedIdentityClientId }), clientOptions);
        var endpoint = client.Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        using var deadline = new CancellationTokenSource(timeout);
        var elapsed = Stopwatch.StartNew();
        try
        {
            await client.GetBlobContainerClient(storage.ContainerName).ExistsAsync(deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception) when (deadline.IsCancellationRequested)
        {
            return $"Storage at {endpoint} did not answer within {timeout.TotalSeconds:0.#} s (OrleansLog:Silo:StorageCheckTimeout); check {settingKey} and that the storage service is running and reachable from this machine.";
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AuthenticationFailedException or CredentialUnavailableException or AggregateException or HttpRequestException)
        {
            return $"Storage at {endpoint} failed the start-up check after {elapsed.Elapsed.TotalSeconds:0.0} s: {Reason(ex)}; check {settingKey} (account, key or identity, endpoint) and that the storage service is running.";
        }
    }

    // The innermost exception usually says it best ("Connection refused (127.0.0.1:1)"); only its first line is kept.
    private static string Reason(Exception ex)
    {
        if (ex is Azure.RequestFailedException { Status: > 0 } failed)
        {
            return $"HTTP {failed.Status} {failed.ErrorCode}".TrimEnd();
        }

        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var message = inner.Message;
        var newline = message.IndexOfAny(['\r', '\n']);
        return (newline < 0 ? message : message[..newline]).TrimEnd('.');
    }
}
