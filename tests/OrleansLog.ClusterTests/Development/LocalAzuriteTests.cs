using OrleansLog.Development;
using OrleansLog.Storage;

namespace OrleansLog.ClusterTests.Development;

/// <summary>The long-lived local Azurite that a silo without storage settings uses: reused across starts, stopped so that it saves.</summary>
public sealed class LocalAzuriteTests
{
    [Fact]
    public async Task A_second_start_reuses_the_running_azurite_and_stop_saves_its_data_for_the_next_one()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orleanslog-local-azurite-" + Guid.NewGuid().ToString("N"));
        var options = new LocalAzuriteOptions { DataDirectory = dataDirectory };
        try
        {
            var first = await LocalAzurite.EnsureRunningAsync(options);
            var container = new OrleansLogStorageOptions { ConnectionString = first.ConnectionString }.CreateBlobServiceClient().GetBlobContainerClient("kept");
            await container.CreateAsync();
            // Written and stopped at once: well inside Azurite's 5 s autosave, so only the save on SIGTERM can keep it.
            await container.GetBlobClient("kept.txt").UploadAsync(BinaryData.FromString("kept by a graceful stop"));

            var second = await LocalAzurite.EnsureRunningAsync(options);
            Assert.False(first.Reused);
            Assert.True(second.Reused);
            Assert.Equal(first.ProcessId, second.ProcessId);
            Assert.Equal(first.ConnectionString, second.ConnectionString);

            var stopped = await LocalAzurite.StopAsync(dataDirectory, TimeSpan.FromSeconds(30));
            Assert.Equal(new LocalAzuriteStopResult(LocalAzuriteStopOutcome.Stopped, first.ProcessId, Saved: true), stopped);
            Assert.False(first.IsRunning);
            Assert.True(first.WasStopped);
            Assert.Null(await LocalAzurite.FindRunningAsync(dataDirectory));
            Assert.Equal(LocalAzuriteStopOutcome.NotRunning, (await LocalAzurite.StopAsync(dataDirectory, TimeSpan.FromSeconds(30))).Outcome);

            var third = await LocalAzurite.EnsureRunningAsync(options);
            Assert.False(third.Reused);
            Assert.NotEqual(first.ProcessId, third.ProcessId);
            Assert.Equal(first.BlobPort, third.BlobPort);
            var blob = new OrleansLogStorageOptions { ConnectionString = third.ConnectionString }.CreateBlobServiceClient()
                .GetBlobContainerClient("kept").GetBlobClient("kept.txt");
            Assert.Equal("kept by a graceful stop", (await blob.DownloadContentAsync()).Value.Content.ToString());
        }
        finally
        {
            await LocalAzurite.StopAsync(dataDirectory, TimeSpan.FromSeconds(30));
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
