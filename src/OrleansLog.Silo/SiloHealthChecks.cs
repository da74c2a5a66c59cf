using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace OrleansLog.Silo;

/// <summary>
/// The silo's health endpoints for orchestrators (ASP.NET Core health checks on the health port). Liveness says whether the
/// process should be restarted; readiness whether it should get traffic. A silo that is starting, joining the cluster or
/// draining on its way out is alive but not ready, so it is taken out of rotation without being restarted.
/// </summary>
internal static class SiloHealthChecks
{
    /// <summary>Liveness: 200 unless the cluster declared this silo dead or an Orleans component reports itself stuck.</summary>
    public const string LivePath = "/healthz/live";

    /// <summary>Readiness: 200 only while the silo is an active cluster member and not stopping.</summary>
    public const string ReadyPath = "/healthz/ready";

    /// <summary>Readiness under its original path, for probes and scripts written before liveness and readiness were split.</summary>
    public const string LegacyPath = "/healthz";

    private const string LiveTag = "live";
    private const string ReadyTag = "ready";

    /// <summary>Registers the liveness and readiness checks.</summary>
    public static IServiceCollection AddSiloHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<SiloLivenessCheck>("orleans", tags: [LiveTag])
            .AddCheck<SiloReadinessCheck>("membership", tags: [ReadyTag]);
        services.AddHostedService<SiloStopsBeforeHttp>();
        return services;
    }

    /// <summary>Maps <see cref="LivePath"/>, <see cref="ReadyPath"/> and <see cref="LegacyPath"/>.</summary>
    public static IEndpointRouteBuilder MapSiloHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, Options(LiveTag));
        endpoints.MapHealthChecks(ReadyPath, Options(ReadyTag));
        endpoints.MapHealthChecks(LegacyPath, Options(ReadyTag));
        return endpoints;
    }

    private static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResponseWriter = WriteTextAsync,
    };

    // One line per check ("ready: the silo is an active cluster member"), so a probe's log or a curl says why.
    private static Task WriteTextAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder();
        foreach (var (name, entry) in report.Entries)
        {
            text.Append(entry.Status == HealthStatus.Healthy ? "ok" : "not ok").Append(": ").Append(name).Append(": ").AppendLine(entry.Description);
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }
}

/// <summary>
/// Liveness: the cluster has not declared this silo dead (a silo declared dead cannot rejoin and must restart), and none of
/// Orleans' own health participants (membership, messaging, scheduler watchdog) reports itself stuck. A silo that is stopping
/// is alive until it exits.
/// </summary>
internal sealed class SiloLivenessCheck(
    IClusterMembershipService membership, ILocalSiloDetails local, IEnumerable<IHealthCheckParticipant> participants, IHostApplicationLifetime lifetime) : IHealthCheck
{
    private long _lastCheck = DateTime.UtcNow.ToBinary();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // A stopping silo ends as Dead in the membership, by its own hand: it is leaving, not to be restarted.
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Healthy("the silo is stopping"));
        }

        if (membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress) == SiloStatus.Dead)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the cluster declared this silo dead; restart it to rejoin"));
        }

        // Participants judge what happened since the last check.
        var since = DateTime.FromBinary(Interlocked.Exchange(ref _lastCheck, DateTime.UtcNow.ToBinary()));
        foreach (var participant in participants)
        {
            if (!participant.CheckHealth(since, out var reason))
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"{participant.GetType().Name}: {reason}"));
            }
        }

        return Task.FromResult(HealthCheckResult.Healthy("the silo process is running"));
    }
}

/// <summary>Readiness: the silo is an active member of the cluster (not starting, joining or shutting down) and is not stopping.</summary>
internal sealed class SiloReadinessCheck(IClusterMembershipService membership, ILocalSiloDetails local, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the silo is stopping: it hands its partitions over and leaves the cluster"));
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("the silo is an active cluster member")
            : HealthCheckResult.Unhealthy($"the silo is {status}, not yet (or no longer) an active cluster member"));
    }
}

/// <summary>
/// Stops the Orleans silo first when the host stops, while Kestrel still serves: the web host stops its server before Orleans
/// otherwise, so during a drain (partitions flushing and handing over, the silo leaving the membership) the health endpoints
/// would refuse connections and an orchestrator would count the silo dead instead of not ready.
/// </summary>
internal sealed class SiloStopsBeforeHttp(IServiceProvider services) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Runs before any hosted service's StopAsync; Orleans' own stop later finds the silo stopped. The token is the host's shutdown
    // timeout: once it fires, the stop goes on ungracefully, as it would in Orleans' hosted service.
    public Task StoppingAsync(CancellationToken cancellationToken) => services.GetRequiredService<Orleans.Runtime.Silo>().StopAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
