using Orleans.Configuration;
using OrleansLog.Clustering;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace OrleansLog.ClusterTests.Clustering;

public sealed class AzureTableClusteringOptionsValidatorTests
{
    private const string ConnectionString = "UseDevelopmentStorage=true";

    [Fact]
    public void A_connection_string_or_a_service_uri_with_a_valid_table_name_passes()
    {
        Validate(new AzureTableClusteringOptions { ConnectionString = ConnectionString });
        Validate(new AzureTableClusteringOptions { TableServiceUri = new Uri("https://account.table.core.windows.net"), ManagedIdentityClientId = Guid.NewGuid().ToString(), TableName = "Silos2" });
    }

    [Theory]
    [InlineData(null, null, "OrleansLogSilos", "cluster", "needs a storage account")]
    [InlineData(ConnectionString, "https://account.table.core.windows.net", "OrleansLogSilos", "cluster", "exactly one")]
    [InlineData(null, "ftp://account.table.core.windows.net", "OrleansLogSilos", "cluster", "absolute http(s) URI")]
    [InlineData(ConnectionString, null, "ab", "cluster", "TableName 'ab' is invalid")]
    [InlineData(ConnectionString, null, "1silos", "cluster", "TableName '1silos' is invalid")]
    [InlineData(ConnectionString, null, "silo-table", "cluster", "TableName 'silo-table' is invalid")]
    [InlineData(ConnectionString, null, "OrleansLogSilos", "a/b", "ClusterId 'a/b'")]
    public void Invalid_options_fail_with_a_message_naming_the_setting(string? connectionString, string? serviceUri, string tableName, string clusterId, string message)
    {
        var options = new AzureTableClusteringOptions
        {
            ConnectionString = connectionString,
            TableServiceUri = serviceUri is null ? null : new Uri(serviceUri),
            TableName = tableName,
        };

        var error = Assert.Throws<OrleansConfigurationException>(() => Validate(options, clusterId));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static void Validate(AzureTableClusteringOptions options, string clusterId = "cluster") =>
        new AzureTableClusteringOptionsValidator(MsOptions.Create(options), MsOptions.Create(new ClusterOptions { ClusterId = clusterId })).ValidateConfiguration();
}
