using System.Diagnostics;

namespace OrleansLog.KafkaTests;

/// <summary>kcat (librdkafka 2.0.2: Produce v7, Fetch v11, Metadata v4, ListOffsets v2) against the silo.</summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class KcatTests(KafkaBrokerFixture broker)
{
    [Fact]
    public async Task Kcat_produces_keyed_records_and_consumes_them_from_the_beginning()
    {
        var topic = KafkaClients.NewTopic("kcat");
        string[] lines = ["k1:first value", "k2:second value", "k1:third value"];

        var produced = await RunKcatAsync(string.Join('\n', lines) + "\n", "-b", broker.BootstrapServers, "-P", "-t", topic, "-K:");
        Assert.True(produced.ExitCode == 0, $"kcat -P exited with {produced.ExitCode}: {produced.Error}");

        var consumed = await RunKcatAsync(null, "-b", broker.BootstrapServers, "-C", "-t", topic, "-o", "beginning", "-e", "-f", "%k=%s\n");
        Assert.True(consumed.ExitCode == 0, $"kcat -C exited with {consumed.ExitCode}: {consumed.Error}");
        Assert.Equal(["k1=first value", "k2=second value", "k1=third value"], consumed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The topic was created on first use, with the default single partition.
        Assert.Equal(1, (await broker.Log.Admin.DescribeTopicAsync(topic)).PartitionCount);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunKcatAsync(string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("kcat")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start; install it (apt-get install kcat).");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"kcat {string.Join(' ', arguments)} did not finish within 60 s: {await error}");
        }

        return (process.ExitCode, await output, await error);
    }
}
