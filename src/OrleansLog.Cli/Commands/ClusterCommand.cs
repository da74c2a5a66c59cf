using System.CommandLine;
using Orleans.Runtime;

namespace OrleansLog.Cli.Commands;

/// <summary><c>orleanslog cluster</c>: the silos, their status and the partitions each hosts; the health check (kafka-broker-api-versions.sh's use).</summary>
internal static class ClusterCommand
{
    private static readonly GrainType PartitionGrainType = GrainType.Create(GrainTypes.Partition);

    public static Command Create(CommandContext context)
    {
        var all = new Option<bool>("--all") { Description = "Also list silos that have left or died (kept in the membership table until cleanup)." };
        var command = new Command(
            "cluster",
            """
            Show the cluster's silos, each one's status and how many partitions it hosts now. The exit code is the health check: 0 when the
            cluster answers and every silo that has not left is Active, 1 otherwise (unreachable, or a silo joining, suspected or shutting down).

            Examples:
              orleanslog cluster
              orleanslog cluster --gateway 10.0.0.4:30000 && echo healthy
            """)
        {
            all,
        };
        context.SetAction(command, async (parse, connection, cancellationToken) =>
        {
            var management = connection.Client.GetGrain<IManagementGrain>(0);
            var members = await management.GetDetailedHosts(onlyActive: false).WaitAsync(cancellationToken);
            var active = members.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToArray();
            var statistics = active.Length == 0 ? [] : await management.GetDetailedGrainStatistics(null, active).WaitAsync(cancellationToken);
            var partitions = statistics
                .Where(s => s.GrainId.Type.Equals(PartitionGrainType))
                .GroupBy(s => s.SiloAddress)
                .ToDictionary(g => g.Key, g => g.Count());
            var table = new TableView("silo", "name", "status", "partitions", "started (UTC)", "last alive (UTC)");
            foreach (var member in members.OrderBy(m => m.Status == SiloStatus.Dead).ThenBy(m => m.SiloName, StringComparer.Ordinal))
            {
                if (member.Status == SiloStatus.Dead && !parse.GetValue(all))
                {
                    continue;
                }

                table.Add(
                    member.SiloAddress.Endpoint,
                    member.SiloName,
                    member.Status,
                    member.Status == SiloStatus.Active ? partitions.GetValueOrDefault(member.SiloAddress) : "-",
                    member.StartTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture),
                    member.IAmAliveTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
            }

            table.Write(context.Console);
            var unhealthy = members.Where(m => m.Status is not (SiloStatus.Active or SiloStatus.Dead)).ToList();
            if (active.Length == 0 || unhealthy.Count > 0)
            {
                await context.Console.Error.WriteLineAsync(
                    active.Length == 0
                        ? "orleanslog: unhealthy: no silo is active."
                        : $"orleanslog: unhealthy: {string.Join(", ", unhealthy.Select(m => $"{m.SiloAddress.Endpoint} is {m.Status}"))}.");
                return ExitCodes.Failed;
            }

            await context.Console.Error.WriteLineAsync($"Healthy: {active.Length} active silo(s), {partitions.Values.Sum()} partition(s) active.");
            return ExitCodes.Success;
        });
        return command;
    }
}
