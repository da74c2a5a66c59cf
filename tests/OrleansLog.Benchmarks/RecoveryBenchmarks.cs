using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Storage;
using OrleansLog.Testing;
using OrleansLog.Topics;

namespace OrleansLog.Benchmarks;

/// <summary>
/// Recovery of a partition whose active segment is full (1 MB batches up to <c>segment.bytes</c>, 128 MiB), from a local Azurite:
/// from the segment's recovery checkpoint (replays at most <see cref="PartitionOptions.CheckpointIntervalBytes"/>) against the
/// baseline, a full scan of the segment (checkpoints off). One recovery is what a partition's new activation does after its silo
/// died: epoch write, lease break, checkpoint read and replay. Run with
/// <c>dotnet run -c Release --project tests/OrleansLog.Benchmarks -- --filter *Recovery*</c>.
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
[MedianColumn]
public class RecoveryBenchmarks
{
    private AzuriteEmulator? _azurite;
    private ISegmentStore _store = null!;
    private Partition _fullScan = null!;
    private Partition _checkpointed = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _azurite = await AzuriteEmulator.StartAsync(new AzuriteEmulatorOptions { InMemoryPersistence = true, StartTimeout = TimeSpan.FromSeconds(90) });
        _store = new AzureBlobSegmentStore(Options.Create(new OrleansLogStorageOptions
        {
            ConnectionString = _azurite.ConnectionString,
            ContainerName = "recovery-benchmark",
        }));
        _fullScan = await Partition.WriteAsync(_store, new PartitionOptions { CheckpointIntervalBytes = 0 });
        _checkpointed = await Partition.WriteAsync(_store, new PartitionOptions());
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    /// <summary>Recovery that scans the whole active segment: what every recovery did before checkpoints.</summary>
    [Benchmark(Baseline = true)]
    public Task<long> FullScan() => _fullScan.RecoverAsync();

    /// <summary>Recovery from the active segment's checkpoint.</summary>
    [Benchmark]
    public Task<long> FromCheckpoint() => _checkpointed.RecoverAsync();

    private sealed class Config : SingleInvocationConfig
    {
        public Config()
            : base(iterations: 7)
        {
        }
    }

    /// <summary>One partition's storage and manifest, recovered the way the partition grain recovers.</summary>
    private sealed class Partition(ISegmentStore store, PartitionOptions options, PartitionGrainKey key)
    {
        private readonly Manifest _manifest = new();

        public static async Task<Partition> WriteAsync(ISegmentStore store, PartitionOptions options)
        {
            var partition = new Partition(store, options, new PartitionGrainKey("recovery", Guid.NewGuid(), 0));
            var writer = partition.Activate(out var log, out var committer, out var active);
            await writer.RecoverAsync(TopicConfig.Default, options.TailBytesPerPartition, CancellationToken.None);
            var value = new byte[1000];
            Random.Shared.NextBytes(value);
            using var builder = new RecordBatchBuilder(initialCapacity: 1024 * 1024);
            for (var r = 0; r < 1000; r++)
            {
                builder.Append(1_700_000_000_000 + r, key: null, value);
            }

            var batch = builder.Build();
            while (active.Size + batch.Length <= TopicConfig.Default.SegmentBytes)
            {
                using var validated = ValidatedBatches.Validate(batch.ToArray(), TopicConfig.Default.MaxMessageBytes, "recovery");
                log.Append(validated, partition._manifest.State.LeaderEpoch, logAppendTime: -1);
                await committer.FlushAsync();
            }

            return partition;
        }

        /// <summary>Recovers a new activation and returns the offset its log ends at.</summary>
        public async Task<long> RecoverAsync()
        {
            var recovery = Activate(out var log, out _, out _);
            await recovery.RecoverAsync(TopicConfig.Default, options.TailBytesPerPartition, CancellationToken.None);
            return log.HighWatermark;
        }

        private PartitionRecovery Activate(out PartitionLog log, out GroupCommitter committer, out ActiveSegment active)
        {
            var budget = new TailMemoryBudget(Options.Create(options));
            var logger = NullLogger.Instance;
            var reader = new SegmentReader(store, options.ReadAheadBytes);
            var manifest = new ManifestWriter(_manifest, key);
            var acknowledged = new AcknowledgedOffsets();
            active = new ActiveSegment(store, key, logger);
            log = new PartitionLog(budget, TimeProvider.System);
            committer = new GroupCommitter(key, log, active, manifest, reader, acknowledged, options, TimeProvider.System, logger, _ => { });
            return new PartitionRecovery(key, manifest, log, active, committer, reader, acknowledged, TimeProvider.System, logger);
        }
    }

    // The manifest in memory: recovery's epoch write is a grain state write, the same for both benchmarks.
    private sealed class Manifest : IPersistentState<PartitionManifest>
    {
        public PartitionManifest State { get; set; } = new();

        public string? Etag => null;

        public bool RecordExists => true;

        public Task ClearStateAsync() => Task.CompletedTask;

        public Task WriteStateAsync() => Task.CompletedTask;

        public Task ReadStateAsync() => Task.CompletedTask;
    }
}
