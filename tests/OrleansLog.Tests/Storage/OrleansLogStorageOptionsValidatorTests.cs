using Orleans.Runtime;
using OrleansLog.Storage;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace OrleansLog.Tests.Storage;

public sealed class OrleansLogStorageOptionsValidatorTests
{
    [Fact]
    public void Storage_without_an_account_or_with_a_bad_container_name_is_rejected_with_the_fix()
    {
        var noAccount = Assert.Throws<OrleansConfigurationException>(() => Validate(new OrleansLogStorageOptions()));
        var badContainer = Assert.Throws<OrleansConfigurationException>(() => Validate(new OrleansLogStorageOptions { ConnectionString = "UseDevelopmentStorage=true", ContainerName = "Grain_State" }));
        var noClient = Assert.Throws<InvalidOperationException>(() => new OrleansLogStorageOptions().CreateBlobServiceClient());

        Assert.Contains("BlobServiceUri", noAccount.Message, StringComparison.Ordinal);
        Assert.Contains("ContainerName 'Grain_State' is invalid", badContainer.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionString", noClient.Message, StringComparison.Ordinal);
        Validate(new OrleansLogStorageOptions { BlobServiceUri = new Uri("https://account.blob.core.windows.net") });
        Assert.Equal("account.blob.core.windows.net", new OrleansLogStorageOptions { BlobServiceUri = new Uri("https://account.blob.core.windows.net") }.CreateBlobServiceClient().Uri.Host);
    }

    private static void Validate(OrleansLogStorageOptions options) => new OrleansLogStorageOptionsValidator(MsOptions.Create(options)).ValidateConfiguration();
}
