using OrleansLog.Client;
using OrleansLog.Testing;
using OrleansLog.Partitions;

// Soak: the fault tests' acks=All run for N minutes, with a secondary silo killed or a silo added at random every 15-40 s.
// Usage: dotnet run -c Release --project tests/OrleansLog.Soak -- [--minutes 10] [--partitions 8] [--producers 3] [--seed N]
var minutes = Option("--minutes", 10);
var partitions = Option("--partitions", 8);
var producers = Option("--producers", 3);
var random = new Random(Option("--seed", Environment.TickCount));

await using var log = await LogCluster.StartAsync(silos: 3, fastFailover: true);
var topic = LogCluster.NewTopic("soak");
await log.Client.Admin.CreateTopicAsync(topic, partitions, new Dictionary<string, string>());
var run = new FaultRun(log, topic, partitions, producers, new ProducerOptions { Acks = Acks.All, Linger = TimeSpan.FromMilliseconds(2) });
Console.WriteLine($"soak: {minutes} min, {partitions} partitions, {producers} producers, acks=All, idempotent, 3 silos");

int kills = 0, additions = 0, failedAdditions = 0;
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
var report = await run.VerifyAsync();
Console.WriteLine($"soak done after {run.Elapsed:mm\\:ss}: {kills} kills, {additions} silos added, {failedAdditions} failed to start");
Console.WriteLine(report);
foreach (var line in log.Logs.Lines.Where(l => l.Contains("Error", StringComparison.Ordinal)).Take(20))
{
    Console.WriteLine(line);
}

return report is { Lost: 0, Duplicates: 0, OffsetMismatches: 0, OutOfOrder: 0, OffsetGaps: 0 } ? 0 : 1;

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
