using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;
using OrleansLog.Storage;

namespace OrleansLog.Silo;

/// <summary>Checks the silo, clustering and storage settings at start-up, naming each bad setting and what to set instead.</summary>
/// <remarks>Messages name the setting's key but never repeat a connection string, which may hold an account key.</remarks>
public sealed class SiloSettingsValidator : IValidateOptions<SiloSettings>, IValidateOptions<ClusteringSettings>, IValidateOptions<OrleansLogStorageOptions>
{
    /// <summary>The configuration section of the storage settings.</summary>
    public const string StorageSectionName = "OrleansLog:Storage";

    private const string ConnectionStringShape =
        "expected 'DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net' or 'UseDevelopmentStorage=true'";

    /// <summary>The longest <see cref="SiloSettings.StorageCheckTimeout"/> accepted.</summary>
    private static readonly TimeSpan MaxStorageCheckTimeout = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SiloSettings options)
    {
        var failures = new List<string>();
        CheckPort(failures, "SiloPort", options.SiloPort, allowZero: false);
        CheckPort(failures, "GatewayPort", options.GatewayPort, allowZero: false);
        CheckPort(failures, "HealthPort", options.HealthPort, allowZero: true);
        if (options.GrainDirectoryRangeLeaseDuration < TimeSpan.Zero)
        {
            failures.Add($"OrleansLog:Silo:GrainDirectoryRangeLeaseDuration ({options.GrainDirectoryRangeLeaseDuration}) must not be negative; 00:00:00 turns the lease off.");
        }

        var ports = new[] { options.SiloPort, options.GatewayPort, options.HealthPort }.Where(p => p != 0).ToArray();
        if (ports.Distinct().Count() != ports.Length)
        {
            failures.Add($"OrleansLog:Silo: SiloPort ({options.SiloPort}), GatewayPort ({options.GatewayPort}) and HealthPort ({options.HealthPort}) must differ.");
        }

        if (options.AdvertisedIPAddress is { Length: > 0 } address && !IPAddress.TryParse(address, out _))
        {
            failures.Add($"OrleansLog:Silo:AdvertisedIPAddress '{address}' is not an IP address.");
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId) || string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add("OrleansLog:Silo:ClusterId and ServiceId must not be empty.");
        }

        if (options.StorageCheckTimeout < TimeSpan.Zero || options.StorageCheckTimeout > MaxStorageCheckTimeout)
        {
            failures.Add($"OrleansLog:Silo:StorageCheckTimeout {options.StorageCheckTimeout} is out of range: use 00:00:00 (no check) to 00:05:00, written hh:mm:ss.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ClusteringSettings options)
    {
        if (!Enum.IsDefined(options.Provider))
        {
            return ValidateOptionsResult.Fail($"OrleansLog:Clustering:Provider '{options.Provider}' is unknown; use Localhost or AzureTable.");
        }

        if (options.Provider != ClusteringProvider.AzureTable)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.TableName))
        {
            failures.Add("OrleansLog:Clustering:TableName must not be empty with AzureTable clustering.");
        }

        if (options.ConnectionString is not null && ConnectionStringFailure(options.ConnectionString, connectionString => new TableServiceClient(connectionString), quoteParser: false) is { } failure)
        {
            failures.Add($"OrleansLog:Clustering:ConnectionString {failure}, or leave it unset to use the storage account's.");
        }

        if (options.TableServiceUri is not null && ServiceUriFailure(options.TableServiceUri, "table") is { } uriFailure)
        {
            failures.Add($"OrleansLog:Clustering:TableServiceUri {uriFailure}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, OrleansLogStorageOptions options)
    {
        var failures = new List<string>();
        if (options.ConnectionString is not null && ConnectionStringFailure(options.ConnectionString, connectionString => new BlobServiceClient(connectionString), quoteParser: true) is { } failure)
        {
            failures.Add($"{StorageSectionName}:ConnectionString {failure}, or leave it unset to use the local Azurite.");
        }

        if (options.BlobServiceUri is not null && ServiceUriFailure(options.BlobServiceUri, "blob") is { } uriFailure)
        {
            failures.Add($"{StorageSectionName}:BlobServiceUri {uriFailure}.");
        }

        if (!OrleansLogStorageOptions.IsValidContainerName(options.ContainerName))
        {
            failures.Add(
                $"{StorageSectionName}:ContainerName '{options.ContainerName}' is not a container name: use 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // The storage SDK's own parser decides, so the rules match what the silo would accept later. The blob parser's messages
    // ("Settings must be of the form name=value") are kept; the table parser's quote parts of the value, which may be a key.
    private static string? ConnectionStringFailure(string connectionString, Action<string> parse, bool quoteParser)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return $"is empty; {ConnectionStringShape}";
        }

        try
        {
            parse(connectionString);
            return null;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return quoteParser
                ? $"is not a storage connection string ({ex.Message.TrimEnd('.')}); {ConnectionStringShape}"
                : $"is not a storage connection string; {ConnectionStringShape}";
        }
    }

    // DefaultAzureCredential sends bearer tokens, which the SDK refuses to send over plain http.
    private static string? ServiceUriFailure(Uri uri, string service)
    {
        if (!uri.IsAbsoluteUri)
        {
            return $"'{uri}' is not an absolute URI; use https://<account>.{service}.core.windows.net";
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return $"'{uri}' must use https (it is authenticated with DefaultAzureCredential, which needs TLS); use https://<account>.{service}.core.windows.net, or a connection string for Azurite";
        }

        return null;
    }

    private static void CheckPort(List<string> failures, string name, int port, bool allowZero)
    {
        if (port < (allowZero ? 0 : 1) || port > 65535)
        {
            failures.Add($"OrleansLog:Silo:{name} {port} is out of range: use 1 to 65535{(allowZero ? " (or 0 to turn it off)" : string.Empty)}.");
        }
    }
}
