using System.Diagnostics;
using OrleansLog.Client;
using OrleansLog.Partitions;
using OrleansLog.Records;

namespace OrleansLog.Testing;

/// <summary>
/// Producers writing continuously to every partition of a topic while a test (or the soak tool) breaks the cluster, and the
/// check afterwards: every acknowledged record read back exactly once, at its acknowledged offset, in order per producer.
/// </summary>
/// <remarks>Shared by the fault tests and tests/OrleansLog.Soak (linked source), so it uses no test framework.</remarks>
public sealed class FaultRun
{
    private readonly LogCluster _log;
    private readonly ProducerOptions _options;
    private readonly int _producers;
    private readonly int _inFlightPerProducer;
    private readonly Dictionary<string, long> _acked = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly long[] _lastAck;
    private readonly long[] _longestGap;
    private readonly long[] _longestGapEnd;
    private readonly List<(long AtMs, long[] LongestGapMs)> _kills = [];
    private readonly object _lock = new();
    private readonly Stopwatch _clock = new();
    private CancellationTokenSource _stop = new();
    private Task[] _loops = [];

    /// <summary>Prepares a run of <paramref name="producers"/> producers over <paramref name="partitions"/> partitions of <paramref name="topic"/>.</summary>
    public FaultRun(LogCluster log, string topic, int partitions, int producers, ProducerOptions options, int inFlightPerProducer = 16)
    {
        _log = log;
        Topic = topic;
        Partitions = partitions;
        _producers = producers;
        _options = options;
        _inFlightPerProducer = inFlightPerProducer;
        _lastAck = new long[partitions];
        _longestGap = new long[partitions];
        _longestGapEnd = new long[partitions];
    }

    /// <summary>The topic written to.</summary>
    public string Topic { get; }

    /// <summary>Its partition count.</summary>
    public int Partitions { get; }

    /// <summary>Time since the producers started, for log lines.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>How many records were acknowledged so far.</summary>
    public int AckedCount
    {
        get
        {
            lock (_lock)
            {
                return _acked.Count;
            }
        }
    }

    /// <summary>How long after a kill a stall still counts as the kill's doing.</summary>
    public static readonly TimeSpan KillWindow = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Notes that a silo was just killed: from now on the run measures, per partition, the longest time it goes without an
    /// acknowledgement in a stall that began within <see cref="KillWindow"/> of the kill (<see cref="UnavailabilityAfterKills"/>).
    /// </summary>
    public void MarkKill()
    {
        lock (_lock)
        {
            _kills.Add((_clock.ElapsedMilliseconds, new long[Partitions]));
        }
    }

    /// <summary>
    /// For each <see cref="MarkKill"/>, each partition's longest wait between acknowledgements that began within
    /// <see cref="KillWindow"/> after the kill, counted from the kill at the earliest: how long producers waited for it. A partition
    /// still waiting counts until now.
    /// </summary>
    public IReadOnlyList<TimeSpan[]> UnavailabilityAfterKills()
    {
        lock (_lock)
        {
            var now = _clock.ElapsedMilliseconds;
            return [.. _kills.Select(kill => kill.LongestGapMs
                .Select((gap, partition) => TimeSpan.FromMilliseconds(Math.Max(gap, StallSince(kill.AtMs, _lastAck[partition], now))))
                .ToArray())];
        }
    }

    // The part of a stall from lastAck to now that is after a kill at killedAt, if the stall began within the kill's window.
    private static long StallSince(long killedAt, long lastAck, long now) =>
        lastAck < killedAt + (long)KillWindow.TotalMilliseconds && now > killedAt ? now - Math.Max(lastAck, killedAt) : 0;

    /// <summary>The produce calls that failed so far, by exception type name.</summary>
    public IReadOnlyDictionary<string, int> Failures
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, int>(_failures);
            }
        }
    }

    /// <summary>Starts the producers.</summary>
    public void Start()
    {
        _stop = new CancellationTokenSource();
        _clock.Start();
        Array.Fill(_lastAck, 0);
        _loops = [.. Enumerable.Range(0, _producers).Select(p => Task.Run(() => ProduceLoopAsync(p)))];
    }

    /// <summary>Stops producing and waits until every record sent has been acknowledged or has failed.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_loops);
    }

    /// <summary>Reads every partition back from its log start and compares it with what was acknowledged.</summary>
    public async Task<FaultReport> VerifyAsync()
    {
        var description = await _log.Client.Admin.DescribeTopicAsync(Topic);
        await SettleAsync(description.TopicId);
        long read = 0, duplicates = 0, mismatched = 0, outOfOrder = 0, offsetGaps = 0, unacknowledged = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var partition = 0; partition < Partitions; partition++)
        {
            var grain = _log.Cluster.Client.GetGrain<IPartitionGrain>(new PartitionGrainKey(Topic, description.TopicId, partition).ToString());
            var lastSequence = new Dictionary<int, long>();
            var expectedOffset = -1L;
            await foreach (var (offset, value) in ReadPartitionAsync(grain))
            {
                read++;
                if (expectedOffset >= 0 && offset != expectedOffset)
                {
                    offsetGaps++;
                }

                expectedOffset = offset + 1;
                if (!seen.Add(value))
                {
                    duplicates++;
                    continue;
                }

                var parts = value.Split(':');
                var producer = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
                var sequence = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                if (lastSequence.TryGetValue(producer, out var before) && sequence <= before)
                {
                    outOfOrder++;
                }

                lastSequence[producer] = sequence;
                if (_acked.TryGetValue(value, out var ackedOffset))
                {
                    if (ackedOffset != offset)
                    {
                        mismatched++;
                    }
                }
                else
                {
                    unacknowledged++;
                }
            }
        }

        long lost = 0;
        foreach (var value in _acked.Keys)
        {
            if (!seen.Contains(value))
            {
                lost++;
            }
        }

        return new FaultReport(_acked.Count, _failures.Values.Sum(), read, lost, duplicates, mismatched, outOfOrder, offsetGaps, unacknowledged,
            [.. _longestGap.Select(ms => TimeSpan.FromMilliseconds(ms))], [.. _longestGapEnd.Select(ms => TimeSpan.FromMilliseconds(ms))], new Dictionary<string, int>(_failures));
    }

    // Fetches see only durable offsets: acks=Leader records may still wait up to flush.ms, so wait until no high watermark moves.
    private async Task SettleAsync(Guid topicId)
    {
        var previous = new long[Partitions];
        for (var unchanged = 0; unchanged < 2;)
        {
            await Task.Delay(250);
            var moved = false;
            for (var partition = 0; partition < Partitions; partition++)
            {
                var grain = _log.Cluster.Client.GetPartition(Topic, topicId, partition);
                var highWatermark = (await RetryAsync(() => grain.DescribeAsync())).HighWatermark;
                moved |= highWatermark != previous[partition];
                previous[partition] = highWatermark;
            }

            unchanged = moved ? 0 : unchanged + 1;
        }
    }

    private async Task ProduceLoopAsync(int producerIndex)
    {
        await using var producer = _log.Client.CreateProducer<string, string>(_options);
        using var window = new SemaphoreSlim(_inFlightPerProducer);
        var sequences = new long[Partitions];
        var pending = new List<Task>();
        var next = producerIndex;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await window.WaitAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var partition = next++ % Partitions;
            var value = $"{producerIndex}:{partition}:{sequences[partition]++}";
            pending.Add(TrackAsync(producer.ProduceAsync(new TopicPartition(Topic, partition), new Message<string, string> { Value = value }), value, partition, window));
            if (pending.Count > 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending);
    }

    private async Task TrackAsync(Task<DeliveryResult> produce, string value, int partition, SemaphoreSlim window)
    {
        try
        {
            var result = await produce;
            var now = _clock.ElapsedMilliseconds;
            lock (_lock)
            {
                _acked[value] = result.Offset;
                if (_lastAck[partition] > 0)
                {
                    // Time between successive acknowledgements on one partition: how long it was unavailable to producers.
                    if (now - _lastAck[partition] > _longestGap[partition])
                    {
                        _longestGap[partition] = now - _lastAck[partition];
                        _longestGapEnd[partition] = now;
                    }
                }

                foreach (var (atMs, longestGaps) in _kills)
                {
                    longestGaps[partition] = Math.Max(longestGaps[partition], StallSince(atMs, _lastAck[partition], now));
                }

                _lastAck[partition] = Math.Max(_lastAck[partition], now);
            }
        }
        catch (Exception e)
        {
            lock (_lock)
            {
                var key = e.GetType().Name;
                _failures[key] = _failures.GetValueOrDefault(key) + 1;
            }
        }
        finally
        {
            window.Release();
        }
    }

    // The read-back is a client like any other: a partition still moving off a killed silo answers after a retry.
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (DateTime.UtcNow < deadline && Retry.IsTransient(e))
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Reads one partition from its log start to its end as (offset, UTF-8 value), retrying what a client retries.</summary>
    public static async IAsyncEnumerable<(long Offset, string Value)> ReadPartitionAsync(IPartitionGrain grain)
    {
        var offset = (await RetryAsync(() => grain.ListOffsetAsync(OffsetSpec.Earliest))).Offset;
        while (true)
        {
            var at = offset;
            var fetched = await RetryAsync(() => grain.FetchAsync(at, 1024 * 1024, TimeSpan.Zero));
            if (fetched.Records.Length == 0)
            {
                yield break;
            }

            foreach (var batch in new RecordBatchSequence(fetched.Records))
            {
                foreach (var record in RecordBatchReader.ReadRecords(batch))
                {
                    if (record.Offset >= offset)
                    {
                        yield return (record.Offset, System.Text.Encoding.UTF8.GetString(record.Value.Span));
                        offset = record.Offset + 1;
                    }
                }
            }
        }
    }
}

/// <summary>The figures of one fault run: what was acknowledged, what was read back, and every way the two disagree.</summary>
public sealed record FaultReport(
    long Acked,
    long Failed,
    long Read,
    long Lost,
    long Duplicates,
    long OffsetMismatches,
    long OutOfOrder,
    long OffsetGaps,
    long UnacknowledgedPresent,
    IReadOnlyList<TimeSpan> LongestUnavailability,
    IReadOnlyList<TimeSpan> LongestUnavailabilityEndedAt,
    IReadOnlyDictionary<string, int> FailuresByType)
{
    /// <summary>One line of figures, as the tests and the soak tool print them.</summary>
    public override string ToString() =>
        $"acked={Acked} failed={Failed} read={Read} lost={Lost} duplicates={Duplicates} offset-mismatches={OffsetMismatches} out-of-order={OutOfOrder} " +
        $"offset-gaps={OffsetGaps} unacknowledged-present={UnacknowledgedPresent} longest-unavailability-ms=[{string.Join(",", LongestUnavailability.Zip(LongestUnavailabilityEndedAt, (gap, end) => $"{(long)gap.TotalMilliseconds}@{end:mm\\:ss}"))}]" +
        (FailuresByType.Count == 0 ? string.Empty : " failures: " + string.Join(", ", FailuresByType.Select(f => $"{f.Key}={f.Value}")));
}
