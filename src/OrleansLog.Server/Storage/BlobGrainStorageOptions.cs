using Azure.Storage.Blobs;
using Orleans;
using Orleans.Storage;

namespace OrleansLog.Storage;

/// <summary>Settings of one <see cref="BlobGrainStorage"/> provider.</summary>
/// <remarks>
/// By default the provider keeps state in the account and container of
/// <see cref="OrleansLogStorageOptions"/>, next to the log's segments; set <see cref="CreateClient"/>
/// or <see cref="ContainerName"/> to keep it elsewhere.
/// </remarks>
public sealed class BlobGrainStorageOptions
{
    /// <summary>Creates the blob service client; null uses <see cref="OrleansLogStorageOptions.CreateBlobServiceClient"/>.</summary>
    public Func<IServiceProvider, BlobServiceClient>? CreateClient { get; set; }

    /// <summary>The container holding the state blobs; null uses <see cref="OrleansLogStorageOptions.ContainerName"/> (by default <c>orleanslog</c>).</summary>
    public string? ContainerName { get; set; }

    /// <summary>Whether clearing a grain's state deletes its blob (true) or overwrites it with an empty blob (false).</summary>
    public bool DeleteStateOnClear { get; set; } = true;

    /// <summary>The serializer of grain state; null (the default) uses Orleans' <see cref="SystemTextJsonGrainStorageSerializer"/>, which writes plain JSON without .NET type names.</summary>
    /// <remarks>
    /// Unlike Orleans' own providers this does not default to the silo's <see cref="IGrainStorageSerializer"/>,
    /// which is Newtonsoft.Json with assembly-qualified <c>$type</c> names: state written that way
    /// stops loading when a state type is renamed or moved, and OrleansLog's manifests must outlive
    /// such refactors. Set this to keep another format.
    /// </remarks>
    public IGrainStorageSerializer? GrainStorageSerializer { get; set; }

    /// <summary>The silo lifecycle stage at which the provider creates its container.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;
}
