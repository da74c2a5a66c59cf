using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using OrleansLog.Compaction;
using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Benchmarks;

/// <summary>
/// Compaction of one partition of about 1 GiB: 1,000,000 distinct keys, each updated 10 times (10 million records of a 11-byte key
/// and a 90-byte value, in batches of 100, in 128 MiB segments), with the default key map budget (128 MiB) and no throttle, on the
/// in-memory segment store, so the figure is the compactor's own work. The baseline reads every record of the same log once,
/// as a consumer reading it from the start would. Run with
/// <c>dotnet run -c Release --project tests/OrleansLog.Benchmarks -- --filter *Compaction*</c>; the bytes reclaimed and the
/// process's peak working set (which includes the 1 GiB input held in memory) are printed after the run.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
[MedianColumn]
public class CompactionBenchmarks
{
    private const int Keys = 1_000_000;
    private const int Updates = 10;
    private const int RecordsPerBatch = 100;
    private static readonly Guid TopicId = Guid.Parse("3b0c7b9e-2a7e-4a53-9d0d-8c2e8a4f1d11");

    private readonly InMemorySegmentStore _store = new();
    private readonly CompactionLimiter _limiter = new(Options.Create(new PartitionOptions { CompactionBytesPerSecond = 0 }), TimeProvider.System);
    private readonly List<SegmentInfo> _segments = [];
    private CompactionResult? _last;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var value = new byte[90];
        Random.Shared.NextBytes(value);
        using var builder = new RecordBatchBuilder(initialCapacity: 16 * 1024);
        var segment = new SegmentWriter(_store, TopicId);
        long offset = 0;
        for (var update = 0; update < Updates; update++)
        {
            for (var key = 0; key < Keys; key++)
            {
                builder.Append(1_700_000_000_000 + offset, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"key-{key:D7}")), value);
                if (builder.RecordCount == RecordsPerBatch)
                {
                    var batch = builder.Build(baseOffset: offset - RecordsPerBatch + 1);
                    if (segment.Size + batch.Length > TopicConfig.Default.SegmentBytes)
                    {
                        _segments.Add(await segment.SealAsync(offset - RecordsPerBatch));
                        segment = new SegmentWriter(_store, TopicId);
                    }

                    await segment.AddAsync(batch, offset - RecordsPerBatch + 1);
                }

                offset++;
            }
        }

        _segments.Add(await segment.SealAsync(offset - 1));
        Console.WriteLine($"// compaction input: {_segments.Count} segments, {_segments.Sum(s => s.SizeBytes):N0} bytes, {offset:N0} records");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_last is not null)
        {
            Console.WriteLine(
                $"// compaction output: {_last.Replacement.Count} segments, {_last.Replacement.Sum(s => s.SizeBytes):N0} bytes; reclaimed {_last.BytesReclaimed:N0} bytes; " +
                $"read {_last.BytesRead:N0}; key map of {_last.MapKeys:N0} keys in {_last.MapBytes:N0} bytes; " +
                $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64:N0} bytes (the input log is in memory)");
        }
    }

    /// <summary>Reads and decodes every record once: what a consumer reading the partition from its start pays.</summary>
    [Benchmark(Baseline = true)]
    public async Task<long> ReadAll()
    {
        var reader = new SegmentReader(_store, 1024 * 1024);
        long records = 0;
        foreach (var segment in _segments)
        {
            await foreach (var batch in reader.ScanAsync(SegmentPaths.Log(TopicId, 0, segment), segment.SizeBytes, 0, CancellationToken.None))
            {
                foreach (var record in RecordBatchReader.ReadRecords(batch))
                {
                    records += record.Key.Length > 0 ? 1 : 0;
                }
            }
        }

        return records;
    }

    /// <summary>One compaction pass over the whole partition (the map takes every key), as the partition grain runs it.</summary>
    [Benchmark]
    public async Task<long> Compact()
    {
        var request = new CompactionRequest(TopicId, 0, _segments, 0, _segments[^1].LastOffset + 1, TopicConfig.Default with { CleanupPolicy = CleanupPolicy.Compact },
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), new PartitionOptions().CompactionMemoryBytes);
        var compactor = new LogCompactor(_store, _limiter);
        _last = await compactor.CompactAsync(request, CancellationToken.None);
        foreach (var written in _last!.Written)
        {
            await _store.DeleteSegmentAsync(TopicId, 0, written, CancellationToken.None);
        }

        return _last.BytesReclaimed;
    }

    private sealed class Config : SingleInvocationConfig
    {
        public Config()
            : base(iterations: 3)
        {
        }
    }

    /// <summary>Writes one segment of the input in 4 MiB append blocks, with its index.</summary>
    private sealed class SegmentWriter(ISegmentStore store, Guid topicId)
    {
        private readonly MemoryStream _block = new();
        private readonly SegmentIndex _index = new();
        private long _baseOffset = -1;
        private long _written;

        public long Size => _written + _block.Length;

        public async Task AddAsync(byte[] batch, long baseOffset)
        {
            if (_baseOffset < 0)
            {
                _baseOffset = baseOffset;
                await store.CreateSegmentAsync(SegmentPaths.Log(topicId, 0, baseOffset), CancellationToken.None);
            }

            if (_block.Length + batch.Length > SegmentLimits.MaxAppendBlockBytes)
            {
                await FlushAsync();
            }

            _index.Add(baseOffset, batch.Length, 0, Size, TopicConfig.Default.IndexIntervalBytes);
            _block.Write(batch);
        }

        public async Task<SegmentInfo> SealAsync(long lastOffset)
        {
            await FlushAsync();
            await store.WriteBlobAsync(SegmentPaths.Index(topicId, 0, _baseOffset), _index.ToBytes(), CancellationToken.None);
            return new SegmentInfo { BaseOffset = _baseOffset, LastOffset = lastOffset, SizeBytes = _written, FirstTimestamp = 1_700_000_000_000, MaxTimestamp = 1_700_000_000_000 };
        }

        private async Task FlushAsync()
        {
            if (_block.Length == 0)
            {
                return;
            }

            await store.AppendBlockAsync(SegmentPaths.Log(topicId, 0, _baseOffset), _block.ToArray(), _written, leaseId: null, CancellationToken.None);
            _written += _block.Length;
            _block.SetLength(0);
        }
    }
}
