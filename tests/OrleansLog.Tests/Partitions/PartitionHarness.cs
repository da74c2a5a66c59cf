using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using OrleansLog.Partitions;
using OrleansLog.Records;
using OrleansLog.Segments;
using OrleansLog.Topics;

namespace OrleansLog.Tests.Partitions;

/// <summary>
/// One partition's storage (an in-memory segment store and manifest) and its activations, each wired the way the partition grain
/// wires its parts, so the log's logic (appends, flushes, seals, recovery and fencing) runs without a cluster.
/// </summary>
internal sealed class PartitionHarness
{
    public static readonly PartitionGrainKey Key = new("orders", Guid.Parse("6f1c1f0e-9a57-4e49-9d40-4b1b6a0f3c21"), 0);

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-12-05T08:00:00Z"));

    public InMemorySegmentStore Store { get; }

    public StoredManifest Manifest { get; } = new();

    public AcknowledgedOffsets Acknowledged { get; } = new();

    public TopicConfig Config { get; set; } = TopicConfig.Default;

    /// <summary>The silo's partition options every activation shares (a test may change them between steps).</summary>
    public PartitionOptions Options { get; } = new();

    public PartitionHarness() => Store = new InMemorySegmentStore(Time);

    /// <summary>A new activation that has recovered from what storage holds, as the grain's activation does.</summary>
    public async Task<Activation> ActivateAsync()
    {
        var activation = new Activation(this);
        activation.Damage = await activation.Recovery.RecoverAsync(Config, activation.Budget.PartitionShare, CancellationToken.None);
        return activation;
    }

    /// <summary>A batch of <paramref name="records"/> records, idempotent when <paramref name="producerId"/> is set.</summary>
    public static byte[] Batch(int records, long producerId = -1, int baseSequence = -1, long timestamp = 1_000)
    {
        using var builder = new RecordBatchBuilder();
        for (var i = 0; i < records; i++)
        {
            builder.Append(timestamp + i, key: null, value: new byte[] { (byte)i, 1, 2, 3 });
        }

        return builder.Build(producerId: producerId, producerEpoch: (short)(producerId < 0 ? -1 : 0), baseSequence: baseSequence);
    }

    /// <summary>One activation's parts.</summary>
    internal sealed class Activation
    {
        public Activation(PartitionHarness harness)
        {
            var options = harness.Options;
            Budget = new TailMemoryBudget(Microsoft.Extensions.Options.Options.Create(options));
            var logger = NullLogger.Instance;
            var reader = new SegmentReader(harness.Store, options.ReadAheadBytes);
            Manifest = new ManifestWriter(harness.Manifest.Open(), Key);
            Log = new PartitionLog(Budget, harness.Time);
            Active = new ActiveSegment(harness.Store, Key, logger);
            Committer = new GroupCommitter(Key, Log, Active, Manifest, reader, harness.Acknowledged, options, harness.Time, logger, error =>
            {
                Failure = error;
                Committer!.Fail(error);
            })
            {
                Config = harness.Config,
            };
            Recovery = new PartitionRecovery(Key, Manifest, Log, Active, Committer, reader, harness.Acknowledged, harness.Time, logger);
            Reader = new PartitionStorageReader(reader, Key);
        }

        public TailMemoryBudget Budget { get; }

        public ManifestWriter Manifest { get; }

        public PartitionLog Log { get; }

        public ActiveSegment Active { get; }

        public GroupCommitter Committer { get; }

        public PartitionRecovery Recovery { get; }

        public PartitionStorageReader Reader { get; }

        /// <summary>What recovery found damaged, or null.</summary>
        public string? Damage { get; set; }

        /// <summary>The error the committer stopped the activation with, or null.</summary>
        public Exception? Failure { get; private set; }

        /// <summary>Validates and appends <paramref name="batches"/> (concatenated), as the grain does.</summary>
        public LogAppend Append(params byte[][] batches)
        {
            using var validated = ValidatedBatches.Validate(batches.SelectMany(b => b).ToArray(), TopicConfig.Default.MaxMessageBytes, Key.Topic);
            return Log.Append(validated, Manifest.Current.LeaderEpoch, logAppendTime: -1);
        }

        /// <summary>Appends <paramref name="batches"/> as <see cref="Append"/> does, then flushes them into the segment.</summary>
        public async Task<LogAppend> AppendAndFlushAsync(params byte[][] batches)
        {
            var append = Append(batches);
            await Committer.FlushAsync();
            return append;
        }

        /// <summary>What a crash in the middle of a block leaves: the first half of <paramref name="batch"/> at the segment's end.</summary>
        public Task AppendTornBatchAsync(InMemorySegmentStore store, byte[] batch) =>
            store.AppendBlockAsync(Active.Blob, batch.AsMemory(0, batch.Length / 2), Active.Size, Active.LeaseId, default);

        /// <summary>The durable batches from <paramref name="offset"/>, read from storage.</summary>
        public async Task<byte[]> ReadStoredAsync(long offset)
        {
            var chunks = new List<ReadOnlyMemory<byte>>();
            Assert.True(await Reader.ReadAsync(Manifest.Current, Active, offset, 1024 * 1024, chunks, CancellationToken.None));
            return FetchedRecords.Concatenate(chunks);
        }
    }

    /// <summary>
    /// A manifest in "storage": each activation gets its own copy through <see cref="Open"/>, and writes are conditional on the ETag
    /// it last saw, as the blob grain storage's are.
    /// </summary>
    internal sealed class StoredManifest
    {
        private string _json = JsonSerializer.Serialize(new PartitionManifest());
        private int _version;

        public PartitionManifest Read() => JsonSerializer.Deserialize<PartitionManifest>(_json)!;

        public IPersistentState<PartitionManifest> Open() => new Handle(this);

        private sealed class Handle(StoredManifest stored) : IPersistentState<PartitionManifest>
        {
            public PartitionManifest State { get; set; } = stored.Read();

            public string? Etag { get; private set; } = stored._version.ToString();

            public bool RecordExists => stored._version > 0;

            public Task ReadStateAsync()
            {
                State = stored.Read();
                Etag = stored._version.ToString();
                return Task.CompletedTask;
            }

            public Task WriteStateAsync()
            {
                if (Etag != stored._version.ToString())
                {
                    throw new Orleans.Storage.InconsistentStateException("ETag mismatch", Etag, stored._version.ToString());
                }

                stored._json = JsonSerializer.Serialize(State);
                Etag = (++stored._version).ToString();
                return Task.CompletedTask;
            }

            public Task ClearStateAsync()
            {
                stored._json = JsonSerializer.Serialize(new PartitionManifest());
                Etag = (++stored._version).ToString();
                return Task.CompletedTask;
            }
        }
    }
}
