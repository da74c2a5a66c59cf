using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLog.Development;

namespace OrleansLog.Silo.Development;

/// <summary>Watches the local Azurite the silo uses and starts it again, on the same ports, if it crashes.</summary>
/// <remarks>
/// The silo's storage connection string names Azurite's ports, so a new Azurite must take the same ones. A crashed Azurite
/// loses the metadata it had not yet saved (its last 5 s at most); the partitions then find storage shorter than what they
/// acknowledged and report it (<c>orleanslog.partition.log.regressions</c>). An Azurite stopped with the stop command is left stopped.
/// </remarks>
internal sealed partial class LocalAzuriteMonitor(LocalAzurite started, ILogger<LocalAzuriteMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>The Azurite in use now: the one the silo started with, or the one that replaced it after a crash.</summary>
    public LocalAzurite Current { get; private set; } = started;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reportedStop = false;
        using var timer = new PeriodicTimer(CheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var current = Current;
            if (current.IsRunning)
            {
                reportedStop = false;
                continue;
            }

            if (current.WasStopped)
            {
                if (!reportedStop)
                {
                    LogStopped(logger, current.ProcessId);
                    reportedStop = true;
                }

                continue;
            }

            LogCrashed(logger, current.ProcessId);
            try
            {
                Current = await LocalAzurite.EnsureRunningAsync(
                    new LocalAzuriteOptions { DataDirectory = current.DataDirectory, BlobPort = current.BlobPort, QueuePort = current.QueuePort, TablePort = current.TablePort },
                    logger,
                    stoppingToken);
            }
            catch (InvalidOperationException e)
            {
                LogRestartFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Azurite (process {ProcessId}) exited unexpectedly; starting it again on the same ports. Changes it had not saved (its last 5 s at most) are lost; partitions report any acknowledged offsets that storage lost")]
    private static partial void LogCrashed(ILogger logger, int processId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Azurite could not be started again: {Reason}")]
    private static partial void LogRestartFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Azurite (process {ProcessId}) was stopped with the stop command; this silo cannot reach storage until it is restarted")]
    private static partial void LogStopped(ILogger logger, int processId);
}
