using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Development;
using OrleansLog.Storage;

namespace OrleansLog.ClusterTests.Storage;

/// <summary>The shared Azurite plus a silo's service provider (built, never started) for Orleans' serializers and activators.</summary>
public sealed class BlobGrainStorageFixture : IAsyncLifetime
{
    private IHost? _host;

    /// <summary>The shared emulator.</summary>
    public AzuriteEmulator Azurite { get; private set; } = null!;

    /// <summary>The services of an Orleans silo configured with defaults.</summary>
    public IServiceProvider Services => _host!.Services;

    /// <summary>Starts (or reuses) Azurite and builds the silo's services.</summary>
    public async Task InitializeAsync()
    {
        Azurite = await TestAzurite.GetAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseLocalhostClustering());
        _host = builder.Build();
    }

    /// <summary>Disposes the silo's services; Azurite stays up for other tests.</summary>
    public Task DisposeAsync()
    {
        _host?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Returns the grain storage serializer named by <paramref name="kind"/>: "system-text-json" (the provider's default), "newtonsoft-json" (the silo's default) or "orleans-binary".</summary>
    public IGrainStorageSerializer Serializer(string kind) => kind switch
    {
        "newtonsoft-json" => Services.GetRequiredService<IGrainStorageSerializer>(),
        "system-text-json" => ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(Services),
        "orleans-binary" => ActivatorUtilities.CreateInstance<OrleansGrainStorageSerializer>(Services),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown serializer kind."),
    };

    /// <summary>A client for the emulator's blob service.</summary>
    public BlobServiceClient BlobService() => new OrleansLogStorageOptions { ConnectionString = Azurite.ConnectionString }.CreateBlobServiceClient();

    /// <summary>Creates a provider over a new, not yet created container (the provider creates it on first write).</summary>
    public BlobGrainStorage CreateStorage(string serializerKind = "system-text-json", bool deleteStateOnClear = true, string? containerName = null)
    {
        var options = new BlobGrainStorageOptions { DeleteStateOnClear = deleteStateOnClear };
        var container = BlobService().GetBlobContainerClient(containerName ?? TestAzurite.NewContainerName("grainstate"));
        return new BlobGrainStorage("test", container, options, Serializer(serializerKind), Services.GetRequiredService<IActivatorProvider>(), NullLogger<BlobGrainStorage>.Instance);
    }
}
