using OrleansLog.Development;

namespace OrleansLog.Silo.Development;

/// <summary>The silo's <c>azurite status|stop</c> commands, for the long-lived local Azurite that a silo without storage settings starts.</summary>
internal static class LocalAzuriteCommand
{
    /// <summary>The command that stops the local Azurite, as the README and the silo's messages spell it.</summary>
    public const string StopCommand = "dotnet run --project src/OrleansLog.Silo -- azurite stop";

    /// <summary>The command that shows the local Azurite's process, ports and connection string.</summary>
    public const string StatusCommand = "dotnet run --project src/OrleansLog.Silo -- azurite status";

    private const string Usage =
        "usage: OrleansLog.Silo azurite status|stop\n" +
        "  status  says whether the local Azurite for OrleansLog:Silo:AzuriteDataDirectory runs, with its process, ports and connection string\n" +
        "  stop    stops it so that it saves its data first (SIGTERM; killed after 30 s)";

    /// <summary>Runs <paramref name="verb"/> for the Azurite of <paramref name="dataDirectory"/> and returns the exit code.</summary>
    public static async Task<int> RunAsync(string? verb, string dataDirectory)
    {
        dataDirectory = Path.GetFullPath(dataDirectory);
        switch (verb)
        {
            case "status":
                var running = await LocalAzurite.FindRunningAsync(dataDirectory);
                if (running is null)
                {
                    Console.WriteLine($"No Azurite is running for data in {dataDirectory}.");
                    return 1;
                }

                Console.WriteLine($"Azurite (process {running.ProcessId}) is running for data in {dataDirectory}: blob {running.BlobPort}, queue {running.QueuePort}, table {running.TablePort}; its output goes to {running.LogPath}.");
                Console.WriteLine($"Connection string: {running.ConnectionString}");
                return 0;

            case "stop":
                var stopped = await LocalAzurite.StopAsync(dataDirectory, TimeSpan.FromSeconds(30));
                switch (stopped.Outcome)
                {
                    case LocalAzuriteStopOutcome.NotRunning:
                        Console.WriteLine($"No Azurite is running for data in {dataDirectory}.");
                        return 0;
                    case LocalAzuriteStopOutcome.Stopped when stopped.Saved:
                        Console.WriteLine($"Stopped Azurite (process {stopped.ProcessId}); it saved its data in {dataDirectory}.");
                        return 0;
                    case LocalAzuriteStopOutcome.Stopped:
                        Console.Error.WriteLine($"Azurite (process {stopped.ProcessId}) exited without reporting that it saved its data; see {Path.Combine(dataDirectory, LocalAzurite.LogFileName)}.");
                        return 1;
                    default:
                        Console.Error.WriteLine($"Azurite (process {stopped.ProcessId}) did not stop within 30 s and was killed: metadata it changed in its last 5 s may be lost.");
                        return 1;
                }

            default:
                Console.Error.WriteLine(verb is null ? "orleanslog-silo: 'azurite' needs a command." : $"orleanslog-silo: unknown azurite command '{verb}'.");
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
