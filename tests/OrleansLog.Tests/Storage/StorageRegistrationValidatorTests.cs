using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using OrleansLog.Hosting;
using OrleansLog.Segments;
using OrleansLog.Storage;

namespace OrleansLog.Tests.Storage;

public sealed class StorageRegistrationValidatorTests
{
    [Fact]
    public void A_silo_with_OrleansLog_but_no_storage_is_rejected_naming_the_call_that_adds_it()
    {
        using var host = Silo(silo => silo.AddOrleansLog());

        var error = Assert.Throws<OrleansConfigurationException>(() => Validator(host).ValidateConfiguration());

        Assert.Contains("OrleansLog has no storage", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddOrleansLogAzureBlobStorage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_silo_with_OrleansLog_on_Azure_Blob_Storage_has_its_segment_store_and_grain_storage()
    {
        using var host = Silo(silo => silo.AddOrleansLog().AddOrleansLogAzureBlobStorage(o => o.ConnectionString = "UseDevelopmentStorage=true"));

        Validator(host).ValidateConfiguration();

        var registered = host.Services.GetRequiredService<IServiceProviderIsKeyedService>();
        Assert.True(registered.IsService(typeof(ISegmentStore)));
        Assert.True(registered.IsKeyedService(typeof(Orleans.Storage.IGrainStorage), OrleansLogSiloBuilderExtensions.StorageName));
    }

    private static IHost Silo(Action<ISiloBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            configure(silo);
        });
        return builder.Build();
    }

    private static StorageRegistrationValidator Validator(IHost host) =>
        host.Services.GetServices<IConfigurationValidator>().OfType<StorageRegistrationValidator>().Single();
}
