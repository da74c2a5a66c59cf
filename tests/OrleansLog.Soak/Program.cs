using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using OrleansLog.Client;
using OrleansLog.Testing;
using OrleansLog.Partitions;

// Soak: the fault tests' acks=All run for N minutes, with a secondary silo killed or a silo added at random every 15-40 s.
// Usage: dotnet run -c Release --project tests/OrleansLog.Soak -- [--minutes 10] [--partitions 8] [--producers 3] [--seed N]
//        [--storage memory|disk]
// The silos run with the bundled silo's membership and grain directory settings (read from its appsettings.json), and the
// client with Orleans' defaults, so the figures are those a deployment of the bundled silo sees. Storage is an Azurite of its
// own, in memory, with its blob garbage collection off (it runs every 10 minutes, walks every block of every blob, and stalled
// every request for minutes right at the end of each 10-minute run) and a 16 GiB Node.js heap (its resident memory reaches
// 4-6 GB, past Node's default limit of about 4 GiB).
// `--storage disk` keeps its data in a temporary folder instead, but Azurite's on-disk metadata store is too slow for this load
// (its requests failed with 500 within two minutes).
// After the read-back check it prints, per kill, when the silo left the membership and each partition's unavailability (p50,
// p99, max), then the same over all kills and the count of DeliveryTimeoutException.
var minutes = Option("--minutes", 10);
var partitions = Option("--partitions", 8);
var producers = Option("--producers", 3);
var random = new Random(Option("--seed", Environment.TickCount));
var storage = TextOption("--storage", "memory");
if (storage is not ("disk" or "memory"))
{
    Console.Error.WriteLine($"--storage must be disk or memory, not '{storage}'");
    return 2;
}

var dataDirectory = storage == "disk" ? Directory.CreateTempSubdirectory("orleanslog-soak-azurite-").FullName : null;
await using var azurite = await AzuriteEmulator.StartAsync(
    new AzuriteEmulatorOptions { InMemoryPersistence = dataDirectory is null, DataDirectory = dataDirectory, NodeHeapMegabytes = 16384, DisableGarbageCollection = true, StartTimeout = TimeSpan.FromSeconds(90) });
var bundled = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "bundled-silo.appsettings.json")).Build();
await using var log = await LogCluster.StartAsync(
    silos: 3,
    azurite: azurite,
    configureSilo: (_, silo) =>
    {
        silo.Configure<ClusterMembershipOptions>(bundled.GetSection("Orleans:ClusterMembership"));
        silo.Configure<GrainDirectoryOptions>(o => o.RangeLeaseDuration = bundled.GetValue<TimeSpan>("OrleansLog:Silo:GrainDirectoryRangeLeaseDuration"));
    });
var topic = LogCluster.NewTopic("soak");
await log.Client.Admin.CreateTopicAsync(topic, partitions, new Dictionary<string, string>());
var run = new FaultRun(log, topic, partitions, producers, new ProducerOptions { Acks = Acks.All, Linger = TimeSpan.FromMilliseconds(2) });
Console.WriteLine($"soak: {minutes} min, {partitions} partitions, {producers} producers, acks=All, idempotent, 3 silos, Azurite {(storage == "disk" ? "on disk" : "in memory")}, bundled membership settings");

int kills = 0, additions = 0, failedAdditions = 0;
var deaths = new List<Task<TimeSpan?>>();
var end = DateTime.UtcNow.AddMinutes(minutes);
run.Start();
while (DateTime.UtcNow < end)
{
    var wait = TimeSpan.FromSeconds(random.Next(15, 41));
    await Task.Delay(wait < end - DateTime.UtcNow ? wait : end - DateTime.UtcNow);
    if (DateTime.UtcNow >= end)
    {
        break;
    }

    // The first silo hosts the in-process development membership, so only the others are killed.
    var silos = log.Cluster.Silos;
    if (silos.Count > 1 && (silos.Count >= 3 || random.Next(2) == 0))
    {
        var victim = silos[1 + random.Next(silos.Count - 1)];
        Console.WriteLine($"{run.Elapsed:mm\\:ss} kill {victim.SiloAddress} ({run.AckedCount} acked)");
        run.MarkKill();
        deaths.Add(WatchDeathAsync(victim.SiloAddress, run.Elapsed));
        await log.Cluster.KillSiloAsync(victim);
        kills++;
    }
    else
    {
        try
        {
            var added = await log.Cluster.StartAdditionalSiloAsync();
            Console.WriteLine($"{run.Elapsed:mm\\:ss} add {added.SiloAddress} ({run.AckedCount} acked)");
            additions++;
        }
        catch (Exception e)
        {
            // A silo that cannot start (storage too slow to answer its start-up requests on a loaded machine) is not a fault of
            // the log under test: the run goes on with the silos it has, and the summary counts it.
            Console.WriteLine($"{run.Elapsed:mm\\:ss} add failed ({run.AckedCount} acked): {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            failedAdditions++;
        }
    }
}

await run.StopAsync();

// Per kill: when the membership no longer listed the silo as active, and how long each partition then went without an
// acknowledgement (unaffected partitions answer within milliseconds; the killed silo's wait for failover).
var unavailability = run.UnavailabilityAfterKills();
var declared = await Task.WhenAll(deaths);
for (var i = 0; i < unavailability.Count; i++)
{
    var death = declared[i] is { } d ? $"{d.TotalMilliseconds:0} ms" : "not seen";
    Console.WriteLine($"kill {i + 1}: declared dead after {death}; partition unavailability {Summary(unavailability[i])}");
}

var all = unavailability.SelectMany(u => u).ToArray();
Console.WriteLine($"all kills: partition unavailability {(all.Length == 0 ? "none" : Summary(all, "partition-kills"))}; delivery timeouts {run.Failures.GetValueOrDefault("DeliveryTimeoutException")}");
var report = await run.VerifyAsync();
Console.WriteLine($"soak done after {run.Elapsed:mm\\:ss}: {kills} kills, {additions} silos added, {failedAdditions} failed to start");
Console.WriteLine(report);

foreach (var line in log.Logs.Lines.Where(l => l.Contains("Error", StringComparison.Ordinal)).Take(20))
{
    Console.WriteLine(line);
}

await log.DisposeAsync();
await azurite.DisposeAsync();
if (dataDirectory is not null)
{
    Directory.Delete(dataDirectory, recursive: true);
}

return report is { Lost: 0, Duplicates: 0, OffsetMismatches: 0, OutOfOrder: 0, OffsetGaps: 0 } ? 0 : 1;

// Polls the cluster's active silos until the killed one is gone from the list.
async Task<TimeSpan?> WatchDeathAsync(Orleans.Runtime.SiloAddress silo, TimeSpan killedAt)
{
    var management = log.Cluster.Client.GetGrain<Orleans.Runtime.IManagementGrain>(0);
    while (run.Elapsed - killedAt < TimeSpan.FromMinutes(2))
    {
        try
        {
            if (!(await management.GetHosts(onlyActive: true)).ContainsKey(silo))
            {
                return run.Elapsed - killedAt;
            }
        }
        catch (Exception e) when (e is TimeoutException or Orleans.Runtime.OrleansException)
        {
        }

        await Task.Delay(100);
    }

    return null;
}

static string Summary(TimeSpan[] times, string of = "partitions")
{
    var sorted = times.Select(t => t.TotalMilliseconds).Order().ToArray();
    double At(double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
    return $"p50 {At(0.5):0} ms, p99 {At(0.99):0} ms, max {sorted[^1]:0} ms ({sorted.Length} {of})";
}

int Option(string name, int fallback) =>
    TextOption(name, null) is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

string? TextOption(string name, string? fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}
