using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansLog.Client;
using OrleansLog.Client.Hosting;
using OrleansLog.Clustering.Hosting;

namespace OrleansLog.Cli;

/// <summary>How <c>orleanslog</c> finds the cluster: the global options, with the environment as fallback.</summary>
public sealed record ConnectionSettings
{
    /// <summary>The environment variable listing gateways (<c>host:port</c>, comma-separated) when <c>--gateway</c> is not given.</summary>
    public const string GatewaysVariable = "ORLEANSLOG_GATEWAYS";

    /// <summary>The environment variable naming a JSON settings file when <c>--settings</c> is not given.</summary>
    public const string SettingsVariable = "ORLEANSLOG_SETTINGS";

    /// <summary>Gateway endpoints (<c>host:port</c>); empty means the environment, the config file, or the local silo at 127.0.0.1:30000.</summary>
    public IReadOnlyList<string> Gateways { get; init; } = [];

    /// <summary>A JSON file with the silos' <c>OrleansLog</c> section (clustering provider, storage, ids), as the silos read it.</summary>
    public string? SettingsFile { get; init; }

    /// <summary>Orleans' cluster id; the silo's default is <c>orleanslog</c>.</summary>
    public string? ClusterId { get; init; }

    /// <summary>Orleans' service id; the silo's default is <c>orleanslog</c>.</summary>
    public string? ServiceId { get; init; }

    /// <summary>How long to wait for a gateway to accept the connection.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Log the Orleans client's own messages to stderr.</summary>
    public bool Verbose { get; init; }
}

/// <summary>A started Orleans client joined to an OrleansLog cluster, for the length of one command.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost? _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
        Log = host.Services.GetRequiredService<OrleansLogClient>();
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    // Over a client someone else started and stops: tests drive the CLI through an in-process test cluster's client.
    internal ClusterConnection(IClusterClient client)
    {
        Log = new OrleansLogClient(client);
        Client = client;
    }

    /// <summary>The OrleansLog client.</summary>
    public OrleansLogClient Log { get; }

    /// <summary>The Orleans client, for management calls.</summary>
    public IClusterClient Client { get; }

    public static async Task<ClusterConnection> ConnectAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settingsFile = settings.SettingsFile ?? Environment.GetEnvironmentVariable(ConnectionSettings.SettingsVariable);
        if (settingsFile is not null)
        {
            if (!File.Exists(settingsFile))
            {
                throw new CliException($"The settings file '{settingsFile}' does not exist.", ExitCodes.Usage);
            }

            try
            {
                builder.Configuration.AddJsonFile(Path.GetFullPath(settingsFile), optional: false);
            }
            catch (InvalidDataException e)
            {
                // The JSON reader's message names the line and the byte ("... LineNumber: 0 | BytePositionInLine: 2.").
                throw new CliException($"The settings file '{settingsFile}' is not valid JSON: {e.GetBaseException().Message.TrimEnd()}", ExitCodes.Usage);
            }
        }

        // OrleansLog__Clustering__Provider=AzureTable and friends, exactly as the silos read them.
        builder.Configuration.AddEnvironmentVariables();
        builder.Logging.ClearProviders();
        if (settings.Verbose)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            // Warnings and errors only: connection trouble and retries, not the client's start-up chatter.
            builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }

        var gateways = settings.Gateways.Count > 0 ? settings.Gateways
            : Environment.GetEnvironmentVariable(ConnectionSettings.GatewaysVariable) is { Length: > 0 } fromEnvironment
                ? fromEnvironment.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
        var usesSettings = gateways.Count == 0 && builder.Configuration["OrleansLog:Clustering:Provider"] is not null;
        var description = gateways.Count > 0 ? $"gateway {string.Join(", ", gateways)}"
            : usesSettings ? $"the cluster in {settingsFile ?? "the OrleansLog__ environment variables"}"
            : "the local silo at 127.0.0.1:30000";
        var endpoints = gateways.Select(ParseGateway).ToArray();
        IHost host;
        try
        {
            builder.UseOrleansClient(client =>
            {
                if (endpoints.Length > 0 || !usesSettings)
                {
                    client.UseStaticClustering(endpoints.Length > 0 ? endpoints : [new IPEndPoint(IPAddress.Loopback, 30000)]);
                    client.Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = settings.ClusterId ?? builder.Configuration["OrleansLog:Silo:ClusterId"] ?? "orleanslog";
                        o.ServiceId = settings.ServiceId ?? builder.Configuration["OrleansLog:Silo:ServiceId"] ?? "orleanslog";
                    });
                }
                else
                {
                    client.UseOrleansLogCluster(builder.Configuration);
                    if (settings.ClusterId is not null || settings.ServiceId is not null)
                    {
                        client.Configure<ClusterOptions>(o =>
                        {
                            o.ClusterId = settings.ClusterId ?? o.ClusterId;
                            o.ServiceId = settings.ServiceId ?? o.ServiceId;
                        });
                    }
                }
            });
            builder.Services.AddOrleansLogClient();
            host = builder.Build();
        }
        catch (OrleansConfigurationException e)
        {
            throw new CliException($"The cluster settings in {settingsFile ?? "the OrleansLog__ environment variables"} are not valid: {e.Message}", ExitCodes.Usage);
        }

        // The Orleans client keeps retrying unreachable gateways for minutes; an operator's tool should say so sooner.
        using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connectTimeout.CancelAfter(settings.ConnectTimeout);
        try
        {
            await host.StartAsync(connectTimeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            var reason = connectTimeout.IsCancellationRequested
                ? $"no gateway answered within {settings.ConnectTimeout.TotalSeconds:0.#} s"
                : e.GetBaseException().Message.TrimEnd();
            throw new CliException(
                $"Cannot connect to OrleansLog at {description}: {reason}{(reason.EndsWith('.') ? "" : ".")} " +
                $"Is a silo running? Point to one with --gateway host:port, {ConnectionSettings.GatewaysVariable} or --settings.");
        }

        return new ClusterConnection(host);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _host.StopAsync(timeout.Token);
        }
        catch (Exception)
        {
            // The command's work is done; a slow or failed goodbye to the gateway changes nothing for the user.
        }

        _host.Dispose();
    }

    private static IPEndPoint ParseGateway(string gateway)
    {
        var colon = gateway.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(gateway.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            throw new CliException($"Gateway '{gateway}' is not host:port (for example 127.0.0.1:30000).", ExitCodes.Usage);
        }

        var host = gateway[..colon].Trim('[', ']');
        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        try
        {
            var addresses = Dns.GetHostAddresses(host);
            var chosen = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            return chosen is not null ? new IPEndPoint(chosen, port) : throw new CliException($"Gateway host '{host}' has no address.");
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new CliException($"Gateway host '{host}' does not resolve: {e.Message}");
        }
    }
}
