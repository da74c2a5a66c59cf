using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Development;
using OrleansLog.Testing;

namespace OrleansLog.ClusterTests.Processes;

/// <summary>The silo executable with bad storage settings: one line on its output naming the setting, exit code 2 (malformed) or 1 (unreachable), no stack trace.</summary>
public sealed class SiloStartupCheckTests
{
    [Fact]
    public async Task A_garbage_connection_string_is_one_line_naming_the_setting_and_exit_code_2()
    {
        var (code, output, elapsed) = await RunSiloAsync(new() { ["OrleansLog__Storage__ConnectionString"] = "garbage-not-a-connection-string" });
        Assert.Equal(2, code);
        var line = Assert.Single(output);
        Assert.StartsWith("orleanslog-silo: OrleansLog:Storage:ConnectionString is not a storage connection string (Settings must be of the form", line, StringComparison.Ordinal);
        Assert.DoesNotContain("garbage-not-a-connection-string", line, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"took {elapsed}");
    }

    [Theory]
    [InlineData("OrleansLog__Storage__BlobServiceUri", "http://account.blob.core.windows.net", "OrleansLog:Storage:BlobServiceUri 'http://account.blob.core.windows.net/' must use https")]
    [InlineData("OrleansLog__Storage__ContainerName", "Not_A_Container", "OrleansLog:Storage:ContainerName 'Not_A_Container' is not a container name")]
    [InlineData("OrleansLog__Silo__SiloPort", "eleven", "Failed to convert configuration value 'eleven' at 'OrleansLog:Silo:SiloPort'")]
    [InlineData("OrleansLog__Silo__StorageCheckTimeout", "01:00:00", "OrleansLog:Silo:StorageCheckTimeout 01:00:00 is out of range")]
    public async Task A_malformed_setting_is_one_line_naming_it_and_exit_code_2(string variable, string value, string expected)
    {
        var (code, output, _) = await RunSiloAsync(new() { [variable] = value });
        Assert.Equal(2, code);
        Assert.StartsWith("orleanslog-silo: " + expected, Assert.Single(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storage_endpoint_nobody_listens_on_is_one_line_naming_it_and_exit_code_1()
    {
        var port = TestPorts.Free();
        var (code, output, elapsed) = await RunSiloAsync(new() { ["OrleansLog__Storage__ConnectionString"] = ConnectionString(port) });
        Assert.Equal(1, code);
        var line = Assert.Single(output);
        Assert.StartsWith($"orleanslog-silo: Storage at http://127.0.0.1:{port}/devstoreaccount1 failed the start-up check", line, StringComparison.Ordinal);
        Assert.Contains("check OrleansLog:Storage:ConnectionString: account, key or identity, and endpoint", line, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(30), $"took {elapsed}");
    }

    [Fact]
    public async Task With_AzureTable_clustering_a_membership_table_endpoint_nobody_listens_on_is_one_line_naming_it_and_exit_code_1()
    {
        var azurite = await TestAzurite.GetAsync();
        var deadPort = TestPorts.Free();
        var (code, output, _) = await RunSiloAsync(new()
        {
            ["OrleansLog__Storage__ConnectionString"] = azurite.ConnectionString,
            ["OrleansLog__Storage__ContainerName"] = TestAzurite.NewContainerName("startup"),
            ["OrleansLog__Clustering__Provider"] = "AzureTable",
            ["OrleansLog__Clustering__ConnectionString"] = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteInstallation.AccountKey};TableEndpoint=http://127.0.0.1:{deadPort}/devstoreaccount1;",
        });
        Assert.Equal(1, code);
        var line = Assert.Single(output);
        Assert.StartsWith($"orleanslog-silo: Storage at http://127.0.0.1:{deadPort}/devstoreaccount1 failed the start-up check", line, StringComparison.Ordinal);
        Assert.Contains("check OrleansLog:Clustering:ConnectionString: account, key or identity, and endpoint", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storage_endpoint_that_never_answers_times_out_after_the_check_timeout_with_exit_code_1()
    {
        // Accepts connections and never answers, like a stuck proxy.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var (code, output, elapsed) = await RunSiloAsync(new()
        {
            ["OrleansLog__Storage__ConnectionString"] = ConnectionString(port),
            ["OrleansLog__Silo__StorageCheckTimeout"] = "00:00:01",
        });
        Assert.Equal(1, code);
        var line = Assert.Single(output);
        Assert.StartsWith($"orleanslog-silo: Storage at http://127.0.0.1:{port}/devstoreaccount1 did not answer within 1 s (OrleansLog:Silo:StorageCheckTimeout); check OrleansLog:Storage:ConnectionString", line, StringComparison.Ordinal);
        Assert.True(elapsed >= TimeSpan.FromSeconds(1) && elapsed < TimeSpan.FromSeconds(30), $"took {elapsed}");
    }

    private static string ConnectionString(int port) => AzuriteInstallation.BlobConnectionStringFor(port);

    private static async Task<(int ExitCode, string[] Lines, TimeSpan Elapsed)> RunSiloAsync(Dictionary<string, string> settings)
    {
        // Ports nobody uses, in case a check lets the silo get as far as listening.
        settings["OrleansLog__Silo__SiloPort"] = settings.GetValueOrDefault("OrleansLog__Silo__SiloPort", TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        settings["OrleansLog__Silo__GatewayPort"] = TestPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["OrleansLog__Silo__HealthPort"] = "0";
        var elapsed = Stopwatch.StartNew();
        var (code, output, error) = await SiloProcess.RunCommandAsync(settings);
        var lines = (output + error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (code, lines, elapsed.Elapsed);
    }
}
