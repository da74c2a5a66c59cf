using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansLog.Client;
using OrleansLog.Client.Hosting;
using OrleansLog.Development;
using OrleansLog.Hosting;
using OrleansLog.Partitions;
using OrleansLog.Storage;

namespace OrleansLog.Benchmarks;

/// <summary>
/// End-to-end produce and fetch throughput from an Orleans client over loopback to one silo on Azurite, next to the storage
/// ceiling (raw append-blob appends and ranged reads on the same Azurite) measured in the same run.
/// </summary>
public static class ThroughputBenchmark
{
    private const int KeyBytes = 16;
    private const int ValueBytes = 100;

    /// <summary>Runs the benchmark; options: --records N (default 1,000,000), --runs N (default 3, medians reported).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var records = IntOption(args, "--records", 1_000_000);
        var runs = IntOption(args, "--runs", 3);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "orleanslog-bench-" + Guid.NewGuid().ToString("N"));
        Console.WriteLine($"OrleansLog throughput: {records:N0} records ({KeyBytes}-byte keys, {ValueBytes}-byte values), {runs} run(s) each, medians; {Environment.ProcessorCount} cores");
        await using var azurite = await AzuriteEmulator.StartAsync(new AzuriteEmulatorOptions { InMemoryPersistence = false, DataDirectory = dataDirectory });
        try
        {
            var storage = new OrleansLogStorageOptions { ConnectionString = azurite.ConnectionString, ContainerName = "bench" };
            var ceiling = await MeasureStorageCeilingAsync(storage, runs);
            Console.WriteLine($"storage ceiling: 1 MiB appends {ceiling.AppendMiBps:F1} MiB/s, 1 MiB ranged reads {ceiling.ReadMiBps:F1} MiB/s, 4 KiB append p50 {ceiling.SmallAppendP50Ms:F2} ms");

            var (silo, client) = await StartAsync(storage);
            try
            {
                var log = client.Services.GetRequiredService<OrleansLogClient>();
                Console.WriteLine($"{"acks",-7}{"partitions",11}{"produce rec/s",16}{"produce MB/s",14}{"vs ceiling",12}{"fetch rec/s",14}{"fetch MB/s",12}");
                foreach (var acks in new[] { Acks.Leader, Acks.All })
                {
                    foreach (var partitions in new[] { 1, 8 })
                    {
                        var produce = new List<double>();
                        var fetch = new List<double>();
                        for (var run = 0; run < runs; run++)
                        {
                            var topic = $"bench-{acks}-{partitions}-{run}".ToLowerInvariant();
                            await log.Admin.CreateTopicAsync(topic, partitions);
                            produce.Add(await ProduceAsync(log, topic, acks, records));
                            fetch.Add(await FetchAsync(log, topic, partitions, records));
                            await log.Admin.DeleteTopicAsync(topic);
                        }

                        var produceRate = Median(produce);
                        var fetchRate = Median(fetch);
                        var produceMBps = produceRate * (KeyBytes + ValueBytes) / 1e6;
                        var ratio = produceRate * WireBytesPerRecord / (1024 * 1024) / ceiling.AppendMiBps;
                        Console.WriteLine($"{acks,-7}{partitions,11}{produceRate,16:N0}{produceMBps,14:F1}{ratio,11:P0}{fetchRate,14:N0}{fetchRate * (KeyBytes + ValueBytes) / 1e6,12:F1}");
                    }
                }

                Console.WriteLine($"MB/s counts key+value bytes ({KeyBytes + ValueBytes} per record); 'vs ceiling' compares the bytes written to storage (about {WireBytesPerRecord} per record with batch framing) with the raw 1 MiB append rate.");
            }
            finally
            {
                await client.StopAsync();
                await silo.StopAsync();
                client.Dispose();
                silo.Dispose();
            }
        }
        finally
        {
            await azurite.DisposeAsync();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        return 0;
    }

    // A record with a 16-byte key and 100-byte value takes 124 bytes in a batch (length, attributes, deltas, lengths,
    // header count), plus its share of the 61-byte batch header.
    private const int WireBytesPerRecord = 125;

    private static async Task<double> ProduceAsync(OrleansLogClient log, string topic, Acks acks, int records)
    {
        var keys = new byte[4096][];
        var random = new Random(42);
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new byte[KeyBytes];
            random.NextBytes(keys[i]);
        }

        var value = new byte[ValueBytes];
        random.NextBytes(value);
        var options = new ProducerOptions
        {
            Acks = acks,
            BatchSize = 1024 * 1024,
            Linger = TimeSpan.FromMilliseconds(5),
            MaxRequestSize = 4 * 1024 * 1024,
            BufferMemory = 256L * 1024 * 1024,
        };
        await using var producer = log.CreateProducer<byte[], byte[]>(options);
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < records; i++)
        {
            await producer.SendAsync(topic, new Message<byte[], byte[]> { Key = keys[i & (keys.Length - 1)], Value = value });
        }

        await producer.FlushAsync();
        stopwatch.Stop();

        // Check the data, not just the clock: every record must reach the log (acks=Leader records become durable,
        // and so visible, up to flush.ms after their acknowledgement).
        long total = 0;
        for (var wait = Stopwatch.StartNew(); total != records && wait.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(50))
        {
            total = 0;
            foreach (var partition in await log.Admin.DescribePartitionsAsync(topic))
            {
                total += partition.HighWatermark;
            }
        }

        if (total != records)
        {
            throw new InvalidOperationException($"Produced {records} records but the topic holds {total}.");
        }

        return records / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<double> FetchAsync(OrleansLogClient log, string topic, int partitions, int records)
    {
        await using var consumer = log.CreateConsumer<byte[], byte[]>(new ConsumerOptions
        {
            MaxPartitionFetchBytes = 4 * 1024 * 1024,
            PrefetchBytesPerPartition = 32 * 1024 * 1024,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        });
        var stopwatch = Stopwatch.StartNew();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        long bytes = 0;
        for (var count = 0; count < records;)
        {
            var result = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException($"Fetched only {count} of {records} records.");
            bytes += result.Message.Value!.Length;
            count++;
        }

        stopwatch.Stop();
        if (bytes != (long)records * ValueBytes)
        {
            throw new InvalidOperationException($"Fetched {bytes} value bytes, expected {(long)records * ValueBytes}.");
        }

        return records / stopwatch.Elapsed.TotalSeconds;
    }

    private static async Task<(double AppendMiBps, double ReadMiBps, double SmallAppendP50Ms)> MeasureStorageCeilingAsync(OrleansLogStorageOptions storage, int runs)
    {
        var container = storage.CreateBlobServiceClient().GetBlobContainerClient("ceiling");
        await container.CreateIfNotExistsAsync();
        var block = new byte[1024 * 1024];
        Random.Shared.NextBytes(block);
        var appends = new List<double>();
        var reads = new List<double>();
        var small = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var blob = container.GetAppendBlobClient($"ceiling-{run}.log");
            await blob.CreateAsync();
            const int Blocks = 64;
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < Blocks; i++)
            {
                await blob.AppendBlockAsync(new MemoryStream(block));
            }

            appends.Add(Blocks / stopwatch.Elapsed.TotalSeconds);
            stopwatch.Restart();
            for (var i = 0; i < Blocks; i++)
            {
                await blob.DownloadContentAsync(new Azure.Storage.Blobs.Models.BlobDownloadOptions { Range = new Azure.HttpRange(i * (long)block.Length, block.Length) });
            }

            reads.Add(Blocks / stopwatch.Elapsed.TotalSeconds);
            var smallBlob = container.GetAppendBlobClient($"small-{run}.log");
            await smallBlob.CreateAsync();
            var smallBlock = new byte[4096];
            for (var i = 0; i < 100; i++)
            {
                stopwatch.Restart();
                await smallBlob.AppendBlockAsync(new MemoryStream(smallBlock));
                small.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        return (Median(appends), Median(reads), Median(small));
    }

    private static async Task<(IHost Silo, IHost Client)> StartAsync(OrleansLogStorageOptions storage)
    {
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var siloBuilder = Host.CreateApplicationBuilder();
        siloBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        siloBuilder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort);
            silo.AddOrleansLog(
                o =>
                {
                    o.ConnectionString = storage.ConnectionString;
                    o.ContainerName = storage.ContainerName;
                },
                // Keep a whole run in the tails, so that fetch measures the tail path.
                o =>
                {
                    o.TailBytesPerPartition = 1L << 30;
                    o.TailBudgetBytes = 4L << 30;
                });
        });
        var silo = siloBuilder.Build();
        await silo.StartAsync();

        var clientBuilder = Host.CreateApplicationBuilder();
        clientBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
        clientBuilder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort));
        clientBuilder.Services.AddOrleansLogClient();
        var host = clientBuilder.Build();
        await host.StartAsync();
        return (silo, host);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
