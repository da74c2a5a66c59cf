using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using OrleansLog.Client;
using OrleansLog.Client.Hosting;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Clustering.Hosting;
using OrleansLog.Partitions;
using Xunit.Abstractions;

namespace OrleansLog.ClusterTests.Processes;

/// <summary>Three silo processes with Azure Table clustering on Azurite; one is killed (SIGKILL) while producers write.</summary>
/// <remarks>
/// Runs alone: it bounds the failover time, and on a two-core machine a neighbouring test class starting clusters of its own
/// starved the silo processes into waiting out a 30 s timeout (one CI run of 2026-12-06: 32.6 s; alone it takes about 2 s).
/// </remarks>
[Collection(MultiProcessCollection.Name)]
public sealed class MultiProcessClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_one_of_three_silo_processes_loses_no_acknowledged_record()
    {
        var azurite = await TestAzurite.GetAsync();
        var clusterId = "mp" + Guid.NewGuid().ToString("N")[..12];
        var table = "silos" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string>
        {
            ["OrleansLog__Storage__ConnectionString"] = azurite.ConnectionString,
            ["OrleansLog__Storage__ContainerName"] = TestAzurite.NewContainerName("multiprocess"),
            ["OrleansLog__Clustering__Provider"] = "AzureTable",
            ["OrleansLog__Clustering__TableName"] = table,
            ["OrleansLog__Silo__ClusterId"] = clusterId,
            ["OrleansLog__Silo__ServiceId"] = clusterId,
            // Failure detection and the grain directory's lease are the bundled silo's own (appsettings.json): the test holds
            // them to their promise.
            ["Logging__LogLevel__Default"] = "Warning",
        };

        var silos = new List<SiloProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(SiloProcess.Start(settings));
                await silos[^1].WaitHealthyAsync(TimeSpan.FromSeconds(90));
            }

            var clientBuilder = Host.CreateApplicationBuilder();
            clientBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
            // The client joins from the same OrleansLog settings the silos were given.
            clientBuilder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)));
            clientBuilder.UseOrleansClient(client => client.UseOrleansLogCluster(clientBuilder.Configuration));
            clientBuilder.Services.AddOrleansLogClient();
            using var client = clientBuilder.Build();
            await client.StartAsync();
            var log = client.Services.GetRequiredService<OrleansLogClient>();

            const string Topic = "orders";
            await log.Admin.CreateTopicAsync(Topic, 8);
            var acknowledged = new List<DeliveryResult>();
            var failed = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var killedAt = TimeSpan.Zero;
            var firstAckAfterKill = new System.Collections.Concurrent.ConcurrentDictionary<int, TimeSpan>();

            // Records each partition's first acknowledgement of a record sent after the kill.
            async Task<DeliveryResult> NoteFirstAck(Task<DeliveryResult> send)
            {
                var result = await send;
                firstAckAfterKill.TryAdd(result.Partition, clock.Elapsed - killedAt);
                return result;
            }
            await using (var producer = log.CreateProducer<string, string>(new ProducerOptions { Acks = Acks.All, Linger = TimeSpan.FromMilliseconds(2), DeliveryTimeout = TimeSpan.FromSeconds(90) }))
            {
                for (var round = 0; round < 30; round++)
                {
                    if (round == 10)
                    {
                        output.WriteLine($"killing silo 1 (gateway {silos[1].GatewayPort}) after {acknowledged.Count} acknowledged records");
                        silos[1].Kill();
                        killedAt = clock.Elapsed;
                    }

                    var afterKill = round >= 10;
                    var sends = Enumerable.Range(round * 50, 50)
                        .Select(i => producer.ProduceAsync(Topic, new Message<string, string> { Key = $"key-{i % 97}", Value = $"record-{i}" }))
                        .Select(send => afterKill ? NoteFirstAck(send) : send)
                        .ToList();
                    foreach (var send in sends)
                    {
                        try
                        {
                            acknowledged.Add(await send);
                        }
                        catch (Exception e) when (e is OrleansLog.Errors.OrleansLogException or TimeoutException or Orleans.Runtime.OrleansException)
                        {
                            failed++;
                        }
                    }
                }
            }

            await using var consumer = log.CreateConsumer<string, string>(new ConsumerOptions { AutoOffsetReset = AutoOffsetReset.Earliest });
            consumer.Assign(LogTestExtensions.FromBeginning(Topic, 8));
            var expectedEnd = acknowledged.GroupBy(a => a.Partition).ToDictionary(g => g.Key, g => g.Max(a => a.Offset));
            var consumed = new Dictionary<(int, long), string>();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline && expectedEnd.Any(e => !consumed.ContainsKey((e.Key, e.Value))))
            {
                var record = await consumer.ConsumeAsync(TimeSpan.FromSeconds(1));
                if (record is not null)
                {
                    consumed[(record.Partition, record.Offset)] = record.Message.Value!;
                }
            }

            // Unavailability: from the kill to each partition's first acknowledgement of a record sent after it. Generous bound: the
            // soak carries the real figure; this catches a failover that waits out a timeout (30 s of response or directory lease).
            var unavailable = firstAckAfterKill.Values.Max();
            output.WriteLine($"after the SIGKILL every partition acknowledged again within {unavailable.TotalMilliseconds:0} ms (per partition: {string.Join(", ", firstAckAfterKill.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value.TotalMilliseconds:0}"))})");
            Assert.Equal(8, firstAckAfterKill.Count);
            Assert.True(unavailable < TimeSpan.FromSeconds(15), $"a partition was unavailable for {unavailable.TotalSeconds:0.0} s after the kill");

            var lost = acknowledged.Count(a => !consumed.ContainsKey((a.Partition, a.Offset)));
            var duplicates = consumed.Values.GroupBy(v => v).Count(g => g.Count() > 1);
            output.WriteLine($"acknowledged {acknowledged.Count}, failed {failed}, read {consumed.Count}, lost {lost}, duplicated values {duplicates}");
            Assert.True(acknowledged.Count >= 1000, $"only {acknowledged.Count} of 1500 records were acknowledged");
            Assert.Equal(0, lost);
            foreach (var delivered in acknowledged)
            {
                Assert.StartsWith("record-", consumed[(delivered.Partition, delivered.Offset)], StringComparison.Ordinal);
            }

            // Every partition still serves appends after the kill.
            await using var after = log.CreateProducer<string, string>();
            for (var p = 0; p < 8; p++)
            {
                var result = await after.ProduceAsync(new TopicPartition(Topic, p), new Message<string, string> { Value = "after the kill" });
                Assert.True(result.Offset >= 0);
            }

            // The surviving silos report what they did on their Prometheus endpoint.
            var appended = 0.0;
            foreach (var silo in new[] { silos[0], silos[2] })
            {
                var metrics = await silo.ScrapeMetricsAsync();
                Assert.Contains("orleanslog_partition_flush_count", metrics, StringComparison.Ordinal);
                appended += AppendedBytes(metrics);
            }

            output.WriteLine($"surviving silos report {appended:N0} appended bytes");
            Assert.True(appended > 0, "no surviving silo reported appended bytes on /metrics");

            await client.StopAsync();
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    // Sums the samples of the appended-bytes counter in Prometheus text format: "name{labels} value [timestamp]" per tag set.
    private static double AppendedBytes(string metrics) =>
        metrics.Split('\n')
            .Where(line => line.StartsWith("orleanslog_partition_append_bytes", StringComparison.Ordinal))
            .Select(line => line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0])
            .Sum(value => double.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>The failover timing test, which runs with no other test class of this assembly beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiProcessCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "multi-process failover";
}
