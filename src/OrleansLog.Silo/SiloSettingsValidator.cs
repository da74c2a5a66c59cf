using System.Net;
using Microsoft.Extensions.Options;

namespace OrleansLog.Silo;

/// <summary>Checks the silo and clustering settings at start-up, naming each bad setting and what to set instead.</summary>
public sealed class SiloSettingsValidator : IValidateOptions<SiloSettings>, IValidateOptions<ClusteringSettings>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SiloSettings options)
    {
        var failures = new List<string>();
        CheckPort(failures, "SiloPort", options.SiloPort, allowZero: false);
        CheckPort(failures, "GatewayPort", options.GatewayPort, allowZero: false);
        CheckPort(failures, "HealthPort", options.HealthPort, allowZero: true);
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

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ClusteringSettings options)
    {
        if (!Enum.IsDefined(options.Provider))
        {
            return ValidateOptionsResult.Fail($"OrleansLog:Clustering:Provider '{options.Provider}' is unknown; use Localhost or AzureTable.");
        }

        if (options.Provider == ClusteringProvider.AzureTable && string.IsNullOrWhiteSpace(options.TableName))
        {
            return ValidateOptionsResult.Fail("OrleansLog:Clustering:TableName must not be empty with AzureTable clustering.");
        }

        return ValidateOptionsResult.Success;
    }

    private static void CheckPort(List<string> failures, string name, int port, bool allowZero)
    {
        if (port < (allowZero ? 0 : 1) || port > 65535)
        {
            failures.Add($"OrleansLog:Silo:{name} {port} is out of range: use 1 to 65535{(allowZero ? " (or 0 to turn it off)" : string.Empty)}.");
        }
    }
}
