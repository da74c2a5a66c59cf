using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLog.Development;
using OrleansLog.Hosting;
using OrleansLog.Partitions;
using OrleansLog.Silo;
using OrleansLog.Storage;

// The OrleansLog service: one silo with localhost clustering. With no storage configured it starts a local Azurite
// (installing it from azure/ on first use) that keeps its data under .orleanslog/azurite.
// appsettings.json sits next to the executable; the content root follows it so that `dotnet run --project` from anywhere finds it.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
var settings = builder.Configuration.GetSection(SiloSettings.SectionName).Get<SiloSettings>() ?? new SiloSettings();
var storage = builder.Configuration.GetSection("OrleansLog:Storage").Get<OrleansLogStorageOptions>() ?? new OrleansLogStorageOptions();

using var loggerFactory = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true));
var log = loggerFactory.CreateLogger("OrleansLog.Silo");
AzuriteEmulator? azurite = null;
if (storage.ConnectionString is null && storage.BlobServiceUri is null)
{
    var dataDirectory = Path.GetFullPath(settings.AzuriteDataDirectory);
    log.LogInformation("No storage configured (OrleansLog:Storage:ConnectionString or :BlobServiceUri): starting Azurite with data in {Directory}", dataDirectory);
    azurite = await AzuriteEmulator.StartAsync(new AzuriteEmulatorOptions { InMemoryPersistence = false, DataDirectory = dataDirectory }, log);
    storage.ConnectionString = azurite.ConnectionString;
    log.LogInformation("Azurite is listening: {ConnectionString}", azurite.ConnectionString);
}

builder.UseOrleans(silo =>
{
    silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
    silo.AddOrleansLog(
        o =>
        {
            o.ConnectionString = storage.ConnectionString;
            o.BlobServiceUri = storage.BlobServiceUri;
            o.ManagedIdentityClientId = storage.ManagedIdentityClientId;
            o.ContainerName = storage.ContainerName;
        },
        o => builder.Configuration.GetSection(PartitionOptions.SectionName).Bind(o));
});

try
{
    // Disposing the host matters: until then the console lifetime holds back process exit on SIGTERM.
    using var host = builder.Build();
    await host.StartAsync();
    log.LogInformation("OrleansLog silo is up: clients connect to gateway 127.0.0.1:{GatewayPort}. Press Ctrl+C to stop.", settings.GatewayPort);
    await host.WaitForShutdownAsync();
}
finally
{
    if (azurite is not null)
    {
        await azurite.DisposeAsync();
    }
}
