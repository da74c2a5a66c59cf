using System.Diagnostics;
using Confluent.Kafka;
using KafkaAcks = Confluent.Kafka.Acks;
using KafkaCompression = Confluent.Kafka.CompressionType;
using NativeAcks = OrleansLog.Partitions.Acks;
using NativeCompression = OrleansLog.Records.CompressionType;
using ProducerOptions = OrleansLog.Client.ProducerOptions;

namespace OrleansLog.Cli.Perf;

/// <summary>
/// The perf runs with Confluent.Kafka (librdkafka) through a silo's Kafka listener, measuring the same figures as the native runs:
/// records, bytes, elapsed time and latency (send to delivery report when producing, record timestamp to arrival when consuming).
/// </summary>
internal static class KafkaPerfRuns
{
    /// <summary>
    /// The librdkafka producer settings that match the native producer's <paramref name="options"/>: acks, linger, buffer memory,
    /// compression and delivery timeout map one to one, the request size sets the batch size; idempotence is on exactly when the
    /// native producer's is (acks=all).
    /// </summary>
    public static ProducerConfig ProducerConfig(string bootstrapServers, ProducerOptions options) => new()
    {
        BootstrapServers = bootstrapServers,
        ClientId = "orleanslog-perf",
        Acks = options.Acks switch
        {
            NativeAcks.None => KafkaAcks.None,
            NativeAcks.Leader => KafkaAcks.Leader,
            _ => KafkaAcks.All,
        },
        EnableIdempotence = options.IsIdempotent,
        LingerMs = options.Linger.TotalMilliseconds,

        // librdkafka puts one batch per partition in a request; the native producer gathers every ready batch of a partition, up to
        // MaxRequestSize, into one call. A batch.size of MaxRequestSize gives both clients the same bytes per partition per round
        // trip (and is librdkafka's own default, 1,000,000, within 5 %); the native --batch-size would make the Kafka client send
        // a sixteenth of that per round trip.
        BatchSize = options.MaxRequestSize,
        MessageMaxBytes = options.MaxRequestSize,

        // librdkafka also caps a batch at 10,000 records by default; the native producer caps it by bytes only.
        BatchNumMessages = 1_000_000,
        QueueBufferingMaxKbytes = (int)(options.BufferMemory / 1024),
        QueueBufferingMaxMessages = 10_000_000,
        MessageTimeoutMs = (int)options.DeliveryTimeout.TotalMilliseconds,

        // Delivery reports carry only the outcome: by default Confluent.Kafka copies each record's key, value, headers and
        // timestamp back into .NET for its report, work the native producer's acknowledgement does not do.
        DeliveryReportFields = "status",
        CompressionType = options.Compression switch
        {
            NativeCompression.Gzip => KafkaCompression.Gzip,
            NativeCompression.Snappy => KafkaCompression.Snappy,
            NativeCompression.Lz4 => KafkaCompression.Lz4,
            NativeCompression.Zstd => KafkaCompression.Zstd,
            _ => KafkaCompression.None,
        },
    };

    /// <summary>Sends <paramref name="records"/> records of <paramref name="recordSize"/> random bytes (no key) with <paramref name="producers"/> producers.</summary>
    public static async Task<PerfRun> ProduceAsync(
        ProducerConfig config, CliConsole console, string topic, long records, int recordSize, double throughput, int producers, CancellationToken cancellationToken)
    {
        var payload = new byte[recordSize];
        Random.Shared.NextBytes(payload);
        var message = new Message<Null, byte[]> { Value = payload };
        var latency = new LatencyHistogram();
        long acknowledged = 0, failed = 0;
        Error? firstError = null;
        var clock = Stopwatch.StartNew();
        await using (var progress = new ProgressLine(console, "sent"))
        {
            progress.Start(() => Interlocked.Read(ref acknowledged), () => Interlocked.Read(ref acknowledged) * recordSize, latency);

            // Produce and Flush block, so each producer sends from a thread of its own; delivery reports arrive on librdkafka's poll thread.
            var senders = Enumerable.Range(0, producers).Select(index => Task.Run(
                () =>
                {
                    var share = (records / producers) + (index < records % producers ? 1 : 0);
                    var rate = throughput > 0 ? throughput / producers : 0;
                    using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
                    for (long n = 0; n < share; n++)
                    {
                        if (rate > 0 && n / rate > clock.Elapsed.TotalSeconds)
                        {
                            Thread.Sleep(TimeSpan.FromSeconds((n / rate) - clock.Elapsed.TotalSeconds));
                        }

                        cancellationToken.ThrowIfCancellationRequested();
                        var start = Stopwatch.GetTimestamp();
                        void Delivered(DeliveryReport<Null, byte[]> report)
                        {
                            if (report.Error.IsError)
                            {
                                Interlocked.CompareExchange(ref firstError, report.Error, null);
                                Interlocked.Increment(ref failed);
                            }
                            else
                            {
                                latency.Record((long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                                Interlocked.Increment(ref acknowledged);
                            }
                        }

                        while (!TryProduce(producer, topic, message, Delivered))
                        {
                            // The local queue is full (buffer memory): wait for delivery reports to free it, as the native producer's send waits.
                            Thread.Sleep(1);
                            cancellationToken.ThrowIfCancellationRequested();
                        }
                    }

                    producer.Flush(cancellationToken);
                },
                cancellationToken)).ToList();
            await Task.WhenAll(senders);
        }

        var elapsed = clock.Elapsed;
        if (firstError is not null)
        {
            await console.Error.WriteLineAsync($"orleanslog: {failed} record(s) failed through the Kafka listener; the first: {firstError.Code}: {firstError.Reason}");
        }

        return PerfRun.From(acknowledged, acknowledged * recordSize, elapsed, failed, latency);
    }

    /// <summary>Reads <paramref name="records"/> records from the beginning of every partition with an assigned (group-less) consumer.</summary>
    public static async Task<PerfRun> ConsumeAsync(
        string bootstrapServers, CliConsole console, string topic, int partitions, long records, TimeSpan idle, CancellationToken cancellationToken)
    {
        // Confluent.Kafka requires a group id even for Assign; a throwaway one, and no commits, since the listener does not serve
        // committed offsets yet.
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "orleanslog-perf",
            GroupId = "orleanslog-perf-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,

            // When its prefetch queue is full, librdkafka stops fetching for fetch.queue.backoff.ms (1 s by default) before it looks
            // again, so a reader that falls behind for a moment waits a second with an empty queue; the native consumer fetches again
            // as soon as its prefetch buffer has room.
            FetchQueueBackoffMs = 1,

            // Confluent.Kafka marshals the topic name and headers of every record into new .NET objects unless told not to; the run
            // needs the timestamp (latency) and the key and value (bytes, copied into arrays as the native consumer hands them over).
            ConsumeResultFields = "timestamp",
        };
        var latency = new LatencyHistogram();
        long read = 0, bytes = 0;
        var lastRecordAt = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        await using (var progress = new ProgressLine(console, "read"))
        {
            progress.Start(() => Interlocked.Read(ref read), () => Interlocked.Read(ref bytes), latency);
            await Task.Run(
                () =>
                {
                    using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
                    consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
                    try
                    {
                        // Short polls so cancellation and the idle timeout are noticed; the run ends after --timeout without a record.
                        while (read < records && !cancellationToken.IsCancellationRequested && clock.Elapsed - lastRecordAt < idle)
                        {
                            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not { } result)
                            {
                                continue;
                            }

                            if (result.Message.Timestamp.Type != TimestampType.NotAvailable)
                            {
                                latency.Record((DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - result.Message.Timestamp.UnixTimestampMs) * 1000);
                            }

                            Interlocked.Add(ref bytes, (result.Message.Key?.Length ?? 0) + (result.Message.Value?.Length ?? 0));
                            Interlocked.Increment(ref read);
                            lastRecordAt = clock.Elapsed;
                        }
                    }
                    finally
                    {
                        consumer.Close();
                    }
                },
                cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (read < records)
        {
            await console.Error.WriteLineAsync($"orleanslog: only {read} of {records} records arrived through the Kafka listener before {idle.TotalMilliseconds:F0} ms passed without one.");
        }

        return PerfRun.From(read, bytes, lastRecordAt, 0, latency);
    }

    private static bool TryProduce(IProducer<Null, byte[]> producer, string topic, Message<Null, byte[]> message, Action<DeliveryReport<Null, byte[]>> delivered)
    {
        try
        {
            producer.Produce(topic, message, delivered);
            return true;
        }
        catch (ProduceException<Null, byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
        {
            return false;
        }
    }
}
