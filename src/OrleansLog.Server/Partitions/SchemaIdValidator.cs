using System.Buffers.Binary;
using OrleansLog.Records;
using OrleansLog.Schemas;
using OrleansLog.Topics;

namespace OrleansLog.Partitions;

/// <summary>
/// Validation on produce for a partition of a topic with <c>orleanslog.key.schema.validation</c> or
/// <c>orleanslog.value.schema.validation</c>: every non-null key or value must begin with Confluent's wire-format prefix (magic byte 0,
/// then a 4-byte big-endian schema id) naming a schema registered under the topic's subject (<c>&lt;topic&gt;-key</c> or
/// <c>&lt;topic&gt;-value</c>, the topic-name strategy). Null keys and values (tombstones) carry no schema and pass.
/// </summary>
/// <remarks>
/// Ids the registry confirmed are remembered for <see cref="CacheLifetime"/>, so the registry grain is asked once per id and minute,
/// not per record; a refused id is asked again next time, so registering it makes the next retry pass.
/// </remarks>
internal sealed class SchemaIdValidator(ISchemaRegistryGrain registry, string topic, TimeProvider time)
{
    /// <summary>How long a confirmed id is trusted before the registry is asked again (a deleted version stops passing after this).</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    private const byte MagicByte = 0;
    private const int PrefixLength = 5;

    private readonly HashSet<int> _keyIds = [];
    private readonly HashSet<int> _valueIds = [];
    private long _cachedSince = time.GetTimestamp();

    /// <summary>The subject a topic's keys are registered under.</summary>
    public string KeySubject { get; } = topic + "-key";

    /// <summary>The subject a topic's values are registered under.</summary>
    public string ValueSubject { get; } = topic + "-value";

    /// <summary>Checks every record of <paramref name="batches"/>; throws for the first that fails, so nothing of the append is written.</summary>
    /// <exception cref="SchemaValidationException">A key or value lacks the prefix, or its id is not registered under the subject.</exception>
    public async ValueTask ValidateAsync(ValidatedBatches batches, TopicConfig config)
    {
        if (time.GetElapsedTime(_cachedSince) > CacheLifetime)
        {
            _keyIds.Clear();
            _valueIds.Clear();
            _cachedSince = time.GetTimestamp();
        }

        var unknown = new List<(int Id, bool IsKey, string Where)>();
        var position = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var header = batches.Headers[b];
            var collector = new Collector(config.KeySchemaValidation, config.ValueSchemaValidation, _keyIds, _valueIds, unknown, b, position);
            RecordBatchFilter.VisitContents(batches.Buffer.AsSpan(position, header.TotalSize), ref collector);
            if (collector.Failure is { } failure)
            {
                throw new SchemaValidationException($"{failure} Topic {topic} validates schemas: serialize with a schema registry serializer (Confluent's wire format).");
            }

            position += header.TotalSize;
        }

        foreach (var (id, isKey, where) in unknown)
        {
            var known = isKey ? _keyIds : _valueIds;
            if (known.Contains(id))
            {
                continue;
            }

            var subject = isKey ? KeySubject : ValueSubject;
            if (!await registry.IsRegisteredAsync(subject, id))
            {
                throw new SchemaValidationException(
                    $"{where} carries schema id {id}, which is not a registered version of subject '{subject}'. Topic {topic} validates schemas: register the schema under '{subject}' (or produce with a schema registered there).");
            }

            known.Add(id);
        }
    }

    // Reads each record's prefix; collects ids not yet confirmed (the first record of each) and stops at the first malformed one.
    private struct Collector(bool keys, bool values, HashSet<int> keyIds, HashSet<int> valueIds, List<(int, bool, string)> unknown, int batch, int position)
        : IRecordContentVisitor
    {
        public string? Failure { get; private set; }

        public void Visit(int index, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull)
        {
            if (Failure is not null)
            {
                return;
            }

            if (keys && !keyIsNull)
            {
                Check(index, key, isKey: true);
            }

            if (values && !valueIsNull && Failure is null)
            {
                Check(index, value, isKey: false);
            }
        }

        private void Check(int index, ReadOnlySpan<byte> content, bool isKey)
        {
            var part = isKey ? "key" : "value";
            if (content.Length < PrefixLength || content[0] != MagicByte)
            {
                var found = content.Length == 0 ? "is empty" : content[0] != MagicByte ? $"starts with byte 0x{content[0]:X2}, not the magic byte 0" : $"has {content.Length} bytes, fewer than the 5 of the prefix";
                Failure = $"The {part} of record {index} in batch {batch} (at byte {position}) {found}, so it carries no schema id.";
                return;
            }

            var id = BinaryPrimitives.ReadInt32BigEndian(content[1..]);
            if (!(isKey ? keyIds : valueIds).Contains(id) && !unknown.Exists(u => u.Item1 == id && u.Item2 == isKey))
            {
                unknown.Add((id, isKey, $"The {part} of record {index} in batch {batch} (at byte {position})"));
            }
        }
    }
}
