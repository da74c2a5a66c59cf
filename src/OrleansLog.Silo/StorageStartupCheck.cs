using System.Diagnostics;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using OrleansLog.Storage;

namespace OrleansLog.Silo;

/// <summary>
/// Asks the storage account one question before Orleans starts (does the container exist; with AzureTable clustering also: is
/// the membership table there), so that an endpoint nobody listens on, a wrong key or a hanging listener ends the silo with one
/// line naming the endpoint and the setting, not with minutes of retries and stack traces from every storage provider.
/// </summary>
internal static class StorageStartupCheck
{
    /// <summary>Returns null when the blob service answered within <paramref name="timeout"/>, else one line saying what failed and which setting to check.</summary>
    /// <param name="storage">The storage settings the silo will run with (the local Azurite's connection string when none is configured).</param>
    /// <param name="settingKey">The setting the account came from, named in the message.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    public static Task<string?> CheckBlobsAsync(OrleansLogStorageOptions storage, string settingKey, TimeSpan timeout)
    {
        var clientOptions = new BlobClientOptions();
        OneTry(clientOptions, timeout);
        var client = !string.IsNullOrWhiteSpace(storage.ConnectionString)
            ? new BlobServiceClient(storage.ConnectionString, clientOptions)
            : new BlobServiceClient(storage.BlobServiceUri, Credential(storage.ManagedIdentityClientId), clientOptions);
        var container = client.GetBlobContainerClient(storage.ContainerName);
        return CheckAsync(client.Uri, async token => await container.ExistsAsync(token).ConfigureAwait(false), settingKey, timeout);
    }

    /// <summary>Returns null when the membership table's service answered within <paramref name="timeout"/>, else one line saying what failed and which setting to check.</summary>
    /// <param name="connectionString">The membership table account's connection string, or null to use <paramref name="serviceUri"/>.</param>
    /// <param name="serviceUri">The table endpoint, authenticated with <c>DefaultAzureCredential</c>.</param>
    /// <param name="managedIdentityClientId">The user-assigned identity for <paramref name="serviceUri"/>, if any.</param>
    /// <param name="tableName">The membership table.</param>
    /// <param name="settingKey">The setting the account came from, named in the message.</param>
    /// <param name="timeout">How long to wait for the answer.</param>
    public static Task<string?> CheckTableAsync(string? connectionString, Uri? serviceUri, string? managedIdentityClientId, string tableName, string settingKey, TimeSpan timeout)
    {
        var clientOptions = new TableClientOptions();
        OneTry(clientOptions, timeout);
        var client = !string.IsNullOrWhiteSpace(connectionString)
            ? new TableServiceClient(connectionString, clientOptions)
            : new TableServiceClient(serviceUri, Credential(managedIdentityClientId), clientOptions);
        return CheckAsync(
            client.Uri,
            async token =>
            {
                // The first page of a filtered table query: a read that needs no table to exist yet.
                await using var tables = client.QueryAsync(TableClient.CreateQueryFilter($"TableName eq {tableName}"), maxPerPage: 1, token).GetAsyncEnumerator(token);
                await tables.MoveNextAsync().ConfigureAwait(false);
            },
            settingKey,
            timeout);
    }

    // One try: the silo's own clients retry for tens of seconds, which is right for a running log and wrong for a start-up
    // check that should answer within the timeout. The network timeout is longer so that our token decides.
    private static void OneTry(ClientOptions options, TimeSpan timeout)
    {
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = timeout + TimeSpan.FromSeconds(1);
    }

    private static DefaultAzureCredential Credential(string? managedIdentityClientId) =>
        new(new DefaultAzureCredentialOptions { ManagedIdentityClientId = managedIdentityClientId });

    private static async Task<string?> CheckAsync(Uri serviceUri, Func<CancellationToken, Task> probe, string settingKey, TimeSpan timeout)
    {
        var endpoint = serviceUri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        using var deadline = new CancellationTokenSource(timeout);
        var elapsed = Stopwatch.StartNew();
        try
        {
            await probe(deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception) when (deadline.IsCancellationRequested)
        {
            return $"Storage at {endpoint} did not answer within {timeout.TotalSeconds:0.#} s (OrleansLog:Silo:StorageCheckTimeout); check {settingKey} and that the storage service is running and reachable from this machine.";
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AuthenticationFailedException or CredentialUnavailableException or AggregateException or HttpRequestException)
        {
            return $"Storage at {endpoint} failed the start-up check after {elapsed.Elapsed.TotalSeconds:0.0} s: {Reason(ex)}; check {settingKey}: account, key or identity, and endpoint; and that the storage service is running.";
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
