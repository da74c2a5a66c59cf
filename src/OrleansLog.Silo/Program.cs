using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OpenTelemetry.Metrics;
using OrleansLog.Clustering.Hosting;
using OrleansLog.Development;
using OrleansLog.Hosting;
using OrleansLog.Kafka.Hosting;
using OrleansLog.Kafka.Listener;
using OrleansLog.Partitions;
using OrleansLog.SchemaRegistry.Hosting;
using OrleansLog.Silo;
using OrleansLog.Silo.Development;
using OrleansLog.Storage;

// The OrleansLog service. Localhost clustering runs one silo; AzureTable clustering runs any number that share a membership
// table. With no storage configured it uses a long-lived local Azurite (installed from azure/ on first use, started once in
// the background, reused by later starts) with data under .orleanslog/azurite; `azurite status|stop` manage it.
// appsettings.json sits next to the executable, so the content root follows it.
var azuriteCommand = args is ["azurite", ..];
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = azuriteCommand ? args[Math.Min(2, args.Length)..] : args, ContentRootPath = AppContext.BaseDirectory });
SiloSettings settings;
ClusteringSettings clustering;
OrleansLogStorageOptions storage;
try
{
    settings = builder.Configuration.GetSection(SiloSettings.SectionName).Get<SiloSettings>() ?? new SiloSettings();
    clustering = builder.Configuration.GetSection(ClusteringSettings.SectionName).Get<ClusteringSettings>() ?? new ClusteringSettings();
    storage = builder.Configuration.GetSection(SiloSettingsValidator.StorageSectionName).Get<OrleansLogStorageOptions>() ?? new OrleansLogStorageOptions();
}
catch (InvalidOperationException ex)
{
    // The binder names the key and the type ("Failed to convert configuration value at 'OrleansLog:Silo:SiloPort' to type
    // 'System.Int32'"); the inner FormatException adds nothing a user needs.
    Console.Error.WriteLine($"orleanslog-silo: {ex.Message}");
    return 2;
}

// Lines before the host exists (settings, the local Azurite) look like the host's: one line each, UTC timestamps (appsettings.json).
using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddConfiguration(builder.Configuration.GetSection("Logging"))
    .AddSimpleConsole(o => builder.Configuration.GetSection("Logging:Console:FormatterOptions").Bind(o)));
var log = loggerFactory.CreateLogger("OrleansLog.Silo");

var validator = new SiloSettingsValidator();
var failures = (validator.Validate(null, settings).Failures ?? [])
    .Concat(validator.Validate(null, clustering).Failures ?? [])
    .Concat(azuriteCommand ? [] : validator.Validate(null, storage).Failures ?? [])
    .ToList();
if (failures.Count > 0)
{
    foreach (var failure in failures)
    {
        Console.Error.WriteLine($"orleanslog-silo: {failure}");
    }

    return 2;
}

if (azuriteCommand)
{
    return await LocalAzuriteCommand.RunAsync(args.Length > 1 ? args[1] : null, settings.AzuriteDataDirectory);
}

LocalAzurite? azurite = null;
if (storage.ConnectionString is null && storage.BlobServiceUri is null)
{
    // Azurite runs apart from the silo so that a silo crash cannot take it down before it saves what the silo acknowledged.
    log.LogInformation("No storage configured (OrleansLog:Storage:ConnectionString or :BlobServiceUri): using the local Azurite with data in {Directory}", Path.GetFullPath(settings.AzuriteDataDirectory));
    azurite = await LocalAzurite.EnsureRunningAsync(new LocalAzuriteOptions { DataDirectory = settings.AzuriteDataDirectory }, log);
    storage.ConnectionString = azurite.ConnectionString;
    builder.Services.AddSingleton(azurite);
    builder.Services.AddHostedService<LocalAzuriteMonitor>();
}

// Without a table account of its own, AzureTable membership lives in the storage account (Azurite locally).
var tableConnectionString = clustering.ConnectionString ?? (clustering.TableServiceUri is null ? storage.ConnectionString : null);
var tableServiceUri = clustering.TableServiceUri ?? (clustering.ConnectionString is null && storage.ConnectionString is null ? TableUri(storage.BlobServiceUri) : null);
var tableIdentity = clustering.ManagedIdentityClientId ?? storage.ManagedIdentityClientId;

// Before Orleans starts: a storage account that does not answer would otherwise surface as retries and stack traces from every
// provider, after tens of seconds.
if (settings.StorageCheckTimeout > TimeSpan.Zero)
{
    var storageSetting = azurite is not null
        ? $"the local Azurite ({LocalAzuriteCommand.StatusCommand})"
        : storage.ConnectionString is not null ? $"{SiloSettingsValidator.StorageSectionName}:ConnectionString" : $"{SiloSettingsValidator.StorageSectionName}:BlobServiceUri";
    var storageFailure = await StorageStartupCheck.CheckBlobsAsync(storage, storageSetting, settings.StorageCheckTimeout);
    if (storageFailure is null && clustering.Provider == ClusteringProvider.AzureTable)
    {
        var tableSetting = clustering.ConnectionString is not null ? "OrleansLog:Clustering:ConnectionString"
            : clustering.TableServiceUri is not null ? "OrleansLog:Clustering:TableServiceUri"
            : $"{storageSetting} (membership uses the storage account unless OrleansLog:Clustering:ConnectionString or TableServiceUri is set)";
        storageFailure = await StorageStartupCheck.CheckTableAsync(tableConnectionString, tableServiceUri, tableIdentity, clustering.TableName, tableSetting, settings.StorageCheckTimeout);
    }

    if (storageFailure is not null)
    {
        Console.Error.WriteLine($"orleanslog-silo: {storageFailure}");
        return 1;
    }
}

// Prometheus scrapes /metrics on the health port: OrleansLog's own meter, Orleans' runtime meter and .NET runtime metrics.
builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
    .AddMeter(OrleansLogMeter.Name, KafkaHostingExtensions.MeterName, SchemaRegistryHostingExtensions.MeterName, "Microsoft.Orleans")
    .AddRuntimeInstrumentation()
    .AddPrometheusExporter());
builder.Services.AddSiloHealthChecks();

// Endpoints are set in code (not with URLs) because the Kafka and schema registry listeners add theirs: Kestrel then ignores URLs.
builder.WebHost.ConfigureKestrel(kestrel =>
{
    if (settings.HealthPort == 0)
    {
        kestrel.Listen(IPAddress.Loopback, 0);
    }
    else
    {
        kestrel.ListenAnyIP(settings.HealthPort);
    }
});
builder.AddOrleansLogKafka();
builder.AddOrleansLogSchemaRegistry();
builder.UseOrleans(silo =>
{
    if (clustering.Provider == ClusteringProvider.Localhost)
    {
        silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
    }
    else
    {
        var advertised = settings.AdvertisedIPAddress is { Length: > 0 } address ? IPAddress.Parse(address) : FirstNonLoopbackAddress();
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        silo.UseAzureTableClustering(o =>
        {
            o.ConnectionString = tableConnectionString;
            o.TableServiceUri = tableServiceUri;
            o.ManagedIdentityClientId = tableIdentity;
            o.TableName = clustering.TableName;
        });
    }

    // Failure detection (Orleans:ClusterMembership) and how long a dead silo's grains stay reserved in the grain directory
    // (OrleansLog:Silo:GrainDirectoryRangeLeaseDuration; Orleans' own Orleans:GrainDirectory section names directory providers)
    // decide how fast partitions come back after a crash. appsettings.json tunes both for seconds; blob lease plus leader epoch
    // fencing guard against a silo declared dead too early.
    silo.Configure<ClusterMembershipOptions>(builder.Configuration.GetSection("Orleans:ClusterMembership"));
    silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = settings.GrainDirectoryRangeLeaseDuration);
    silo.AddOrleansLog(o => builder.Configuration.GetSection(PartitionOptions.SectionName).Bind(o));
    silo.AddOrleansLogAzureBlobStorage(o =>
    {
        o.ConnectionString = storage.ConnectionString;
        o.BlobServiceUri = storage.BlobServiceUri;
        o.ManagedIdentityClientId = storage.ManagedIdentityClientId;
        o.ContainerName = storage.ContainerName;
        o.RequestTimeout = storage.RequestTimeout;
        o.MaxRetries = storage.MaxRetries;
        o.MaxConcurrentRequests = storage.MaxConcurrentRequests;
    });

    // Orleans stream providers over OrleansLog topics, one per OrleansLog:Streams:<name> section (none by default), so clients of
    // this silo can produce to and subscribe to streams.
    foreach (var provider in builder.Configuration.GetSection("OrleansLog:Streams").GetChildren())
    {
        silo.AddOrleansLogStreams(provider.Key, o => provider.Bind(o));
    }
});

try
{
    // Disposing the host matters: until then the console lifetime holds back process exit on SIGTERM.
    await using var app = builder.Build();
    app.MapSiloHealthChecks();
    app.MapPrometheusScrapingEndpoint("/metrics");
    app.MapSchemaRegistry();
    try
    {
        await app.StartAsync();
    }
    catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
    {
        // Kestrel's message names the address; say which setting moves it.
        Console.Error.WriteLine($"orleanslog-silo: {e.Message} Another process uses the port: stop it, or choose another port with OrleansLog:Silo:HealthPort OrleansLog:Kafka:Port or OrleansLog:SchemaRegistry:Port (OrleansLog:Kafka:Enabled=false and OrleansLog:SchemaRegistry:Enabled=false turn those listeners off).");
        return 1;
    }

    log.LogInformation(
        "OrleansLog silo is up ({Clustering} clustering): clients connect to gateway port {GatewayPort}, Kafka clients to {KafkaBootstrap}, schema registry clients to {SchemaRegistryUrl}; /healthz/live, /healthz/ready and /metrics on port {HealthPort}. Press Ctrl+C to stop.",
        clustering.Provider,
        settings.GatewayPort,
        KafkaBootstrap(app.Services),
        SchemaRegistryUrl(app.Services),
        settings.HealthPort);
    await app.WaitForShutdownAsync();
}
finally
{
    if (azurite is not null)
    {
        log.LogInformation("The local Azurite keeps running with the data for the next start; stop it with: {StopCommand}", LocalAzuriteCommand.StopCommand);
    }
}

return 0;

// Where Kafka clients bootstrap: the listener's advertised endpoint, known once Kestrel has bound it.
static string KafkaBootstrap(IServiceProvider services)
{
    if (!services.GetRequiredService<IOptions<KafkaListenerOptions>>().Value.Enabled)
    {
        return "nothing (OrleansLog:Kafka:Enabled is false)";
    }

    var broker = services.GetRequiredService<KafkaBroker>();
    return $"{broker.Host}:{broker.Port}";
}

// Where schema registry clients (Confluent's serializers, UIs) connect: the registry listener, known once Kestrel has bound it.
static string SchemaRegistryUrl(IServiceProvider services) =>
    services.GetRequiredService<IOptions<SchemaRegistryOptions>>().Value.Enabled
        ? services.GetRequiredService<OrleansLog.SchemaRegistry.Rest.SchemaRegistryListener>().Url ?? "an unbound listener"
        : "nothing (OrleansLog:SchemaRegistry:Enabled is false)";

static IPAddress FirstNonLoopbackAddress()
{
    foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
    {
        if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
        {
            continue;
        }

        foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
        {
            if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address))
            {
                return unicast.Address;
            }
        }
    }

    return IPAddress.Loopback;
}

// A blob endpoint https://account.blob.core.windows.net maps to https://account.table.core.windows.net.
static Uri? TableUri(Uri? blobServiceUri) =>
    blobServiceUri is null ? null : new UriBuilder(blobServiceUri) { Host = blobServiceUri.Host.Replace(".blob.", ".table.", StringComparison.Ordinal) }.Uri;
