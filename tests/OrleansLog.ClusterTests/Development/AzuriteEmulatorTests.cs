using System.Net;
using System.Net.Sockets;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Development;
using OrleansLog.Storage;

namespace OrleansLog.ClusterTests.Development;

public sealed class AzuriteEmulatorTests
{
    [Fact]
    public async Task The_shared_emulator_serves_blobs_on_the_ports_its_connection_string_names()
    {
        var azurite = await TestAzurite.GetAsync();
        var client = new OrleansLogStorageOptions { ConnectionString = azurite.ConnectionString }.CreateBlobServiceClient();
        var container = client.GetBlobContainerClient(TestAzurite.NewContainerName("emulator"));

        await container.CreateAsync();
        await container.GetBlobClient("hello.txt").UploadAsync(BinaryData.FromString("hello"));
        var content = (await container.GetBlobClient("hello.txt").DownloadContentAsync()).Value.Content.ToString();

        Assert.Equal("hello", content);
        Assert.Equal(azurite.BlobPort, client.Uri.Port);
        Assert.Contains($"QueueEndpoint=http://127.0.0.1:{azurite.QueuePort}/devstoreaccount1;", azurite.ConnectionString, StringComparison.Ordinal);
        Assert.Contains($"TableEndpoint=http://127.0.0.1:{azurite.TablePort}/devstoreaccount1;", azurite.ConnectionString, StringComparison.Ordinal);
        Assert.Equal(3, new HashSet<int> { azurite.BlobPort, azurite.QueuePort, azurite.TablePort }.Count);
    }

    [Fact]
    public async Task Data_in_a_data_directory_survives_a_restart_and_dispose_stops_the_process()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orleanslog-azurite-test-" + Guid.NewGuid().ToString("N"));
        var containerName = TestAzurite.NewContainerName("persisted");
        try
        {
            var options = new AzuriteEmulatorOptions { InMemoryPersistence = false, DataDirectory = dataDirectory };
            int blobPort;
            await using (var first = await AzuriteEmulator.StartAsync(options))
            {
                blobPort = first.BlobPort;
                var container = new OrleansLogStorageOptions { ConnectionString = first.ConnectionString }.CreateBlobServiceClient().GetBlobContainerClient(containerName);
                await container.CreateAsync();
                await container.GetBlobClient("kept.txt").UploadAsync(BinaryData.FromString("kept across restarts"));
            }

            Assert.False(await AcceptsConnectionsAsync(blobPort));
            await using var second = await AzuriteEmulator.StartAsync(options);
            var blob = new OrleansLogStorageOptions { ConnectionString = second.ConnectionString }.CreateBlobServiceClient()
                .GetBlobContainerClient(containerName).GetBlobClient("kept.txt");
            Assert.Equal("kept across restarts", (await blob.DownloadContentAsync()).Value.Content.ToString());
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_configured_port_that_is_taken_fails_with_a_message_naming_it()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AzuriteEmulator.StartAsync(new AzuriteEmulatorOptions { TablePort = port }));

        Assert.Contains($"Port {port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_directory_without_package_json_is_reported()
    {
        var empty = Directory.CreateTempSubdirectory("orleanslog-no-azurite-");
        try
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AzuriteEmulator.StartAsync(new AzuriteEmulatorOptions { PackageDirectory = empty.FullName }));

            Assert.Contains(empty.FullName, error.Message, StringComparison.Ordinal);
            Assert.Contains("package.json", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
