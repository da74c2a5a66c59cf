using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLog.Kafka.Listener;

namespace OrleansLog.Kafka.Brokers;

/// <summary>
/// Publishes this silo's Kafka endpoint: once the host has started (Kestrel has bound the listener, so the port is known) and then
/// every <see cref="Interval"/>, it registers with the broker registry, which refills a re-activated registry within seconds.
/// Leaving needs no call: membership drops a silo that stops or dies from every silo's list.
/// </summary>
internal sealed partial class KafkaBrokerRegistration(
    KafkaBrokers brokers,
    KafkaBroker local,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<KafkaBrokerRegistration> logger) : BackgroundService
{
    /// <summary>How often each silo registers again.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Stopping starts with ApplicationStopping, before Orleans stops: no registration after that.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        var token = stopping.Token;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (token.Register(() => started.TrySetCanceled(token)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        LogPublishing(local.NodeId, local.Host, local.Port, local.SiloAddress);
        using var timer = new PeriodicTimer(Interval, time);
        var failing = false;
        do
        {
            try
            {
                await brokers.RefreshAsync().WaitAsync(token).ConfigureAwait(false);
                if (failing)
                {
                    LogRegistered(local.NodeId);
                    failing = false;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Logged once per outage; the next tick tries again.
                if (!failing)
                {
                    LogRegistrationFailed(e, local.NodeId, Interval);
                    failing = true;
                }
            }
        }
        while (await WaitAsync(timer, token).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka broker {NodeId} advertises {Host}:{Port} for silo {Silo}")]
    private partial void LogPublishing(int nodeId, string host, int port, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kafka broker {NodeId} could not register with the broker registry; other silos may not list it until it does (trying again every {Interval})")]
    private partial void LogRegistrationFailed(Exception error, int nodeId, TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kafka broker {NodeId} is registered again")]
    private partial void LogRegistered(int nodeId);
}
