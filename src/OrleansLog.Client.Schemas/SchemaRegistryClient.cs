using System.Collections.Concurrent;
using OrleansLog.Schemas;

namespace OrleansLog.Client.Schemas;

/// <summary>
/// The serializers' view of the cluster's schema registry (<see cref="ISchemaRegistryGrain"/>): caches schemas by id and ids by subject and
/// schema, so each is asked for once. Thread-safe; concurrent requests for one key share one call to the grain, and a failed call is not cached.
/// </summary>
public sealed class SchemaRegistryClient
{
    private readonly ISchemaRegistryGrain _grain;
    private readonly ConcurrentDictionary<int, Lazy<Task<Schema>>> _schemas = new();
    private readonly ConcurrentDictionary<SchemaKey, Lazy<Task<int>>> _registered = new();
    private readonly ConcurrentDictionary<SchemaKey, Lazy<Task<int>>> _lookedUp = new();
    private readonly ConcurrentDictionary<(string Subject, int Version), Lazy<Task<RegisteredSchema>>> _versions = new();

    /// <summary>Creates the client over a grain factory (an <c>IClusterClient</c>, or a silo's own).</summary>
    public SchemaRegistryClient(IGrainFactory grainFactory)
        : this(GetGrain(grainFactory))
    {
    }

    /// <summary>Creates the client over the cluster an <see cref="OrleansLogClient"/> talks to.</summary>
    public SchemaRegistryClient(OrleansLogClient client)
        : this(GetGrain(client?.GrainFactory!))
    {
    }

    internal SchemaRegistryClient(ISchemaRegistryGrain grain)
    {
        _grain = grain;
    }

    /// <summary>
    /// Registers <paramref name="schema"/> under <paramref name="subject"/> (or finds it already there) and returns its global id; cached,
    /// so later calls for the same subject and schema text do not reach the registry.
    /// </summary>
    public Task<int> RegisterSchemaAsync(string subject, Schema schema, bool normalize = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(schema);
        return GetOrLoadAsync(_registered, new SchemaKey(subject, schema, normalize), key => RegisterCoreAsync(key), cancellationToken);
    }

    /// <summary>The global id of <paramref name="schema"/> under <paramref name="subject"/>, which must be registered there already (error 40403 otherwise); cached.</summary>
    public Task<int> GetSchemaIdAsync(string subject, Schema schema, bool normalize = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(schema);
        return GetOrLoadAsync(_lookedUp, new SchemaKey(subject, schema, normalize), key => LookUpCoreAsync(key), cancellationToken);
    }

    /// <summary>The schema with global id <paramref name="id"/> (error 40403 if there is none); cached, as ids are never reused.</summary>
    public Task<Schema> GetSchemaAsync(int id, CancellationToken cancellationToken = default) =>
        GetOrLoadAsync(_schemas, id, key => _grain.GetSchemaAsync(key), cancellationToken);

    /// <summary>
    /// Version <paramref name="version"/> of <paramref name="subject"/>, soft-deleted or not (a reference keeps naming a version after its soft
    /// delete, and records written with it stay readable); cached, as a numbered version never changes. <see cref="ISchemaRegistryGrain.LatestVersion"/>
    /// (-1, which a reference registered before the registry pinned such references may still hold) asks for the latest live version, uncached.
    /// </summary>
    public Task<RegisteredSchema> GetVersionAsync(string subject, int version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        if (version == ISchemaRegistryGrain.LatestVersion)
        {
            return GetLatestSchemaAsync(subject, cancellationToken);
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        return GetOrLoadAsync(_versions, (Subject: subject, Version: version), key => _grain.GetVersionAsync(key.Subject, key.Version, deleted: true), cancellationToken);
    }

    /// <summary>
    /// The schema versions <paramref name="references"/> name, transitively, each fetched once and listed after the versions it references
    /// itself, so a format can parse them in order (a reference cycle is followed once).
    /// </summary>
    internal async Task<List<ReferencedSchema>> GetReferencedAsync(IReadOnlyList<SchemaReference> references, CancellationToken cancellationToken)
    {
        var ordered = new List<ReferencedSchema>();
        var seen = new Dictionary<(string, int), ReferencedSchema?>();
        async Task VisitAsync(IReadOnlyList<SchemaReference> level)
        {
            foreach (var reference in level)
            {
                if (seen.TryGetValue((reference.Subject, reference.Version), out var known))
                {
                    if (known is not null && !known.Names.Contains(reference.Name))
                    {
                        known.Names.Add(reference.Name);
                    }

                    continue;
                }

                seen[(reference.Subject, reference.Version)] = null;
                var referenced = await GetVersionAsync(reference.Subject, reference.Version, cancellationToken).ConfigureAwait(false);
                await VisitAsync(referenced.Schema.References).ConfigureAwait(false);
                var entry = new ReferencedSchema(reference, referenced.Schema, [reference.Name]);
                seen[(reference.Subject, reference.Version)] = entry;
                ordered.Add(entry);
            }
        }

        await VisitAsync(references).ConfigureAwait(false);
        return ordered;
    }

    /// <summary>The latest version of <paramref name="subject"/>; not cached, since a new version may be registered at any time.</summary>
    public Task<RegisteredSchema> GetLatestSchemaAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        return _grain.GetVersionAsync(subject, ISchemaRegistryGrain.LatestVersion).WaitAsync(cancellationToken);
    }

    private static ISchemaRegistryGrain GetGrain(IGrainFactory grainFactory)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        return grainFactory.GetGrain<ISchemaRegistryGrain>(ISchemaRegistryGrain.Key);
    }

    // One Lazy per key: concurrent callers share the first call's task. A failed or cancelled call leaves the cache, so the next caller asks again;
    // a caller's own cancellation only stops its wait.
    private static async Task<TValue> GetOrLoadAsync<TKey, TValue>(
        ConcurrentDictionary<TKey, Lazy<Task<TValue>>> cache,
        TKey key,
        Func<TKey, Task<TValue>> load,
        CancellationToken cancellationToken)
        where TKey : notnull
    {
        // The load is wrapped in a task of its own, so one that throws before its first await fails that task instead of Lazy, which would
        // keep rethrowing the exception for the key.
        var entry = cache.GetOrAdd(key, static (k, load) => new Lazy<Task<TValue>>(() => Task.Run(() => load(k))), load);
        var task = entry.Value;
        try
        {
            return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (task.IsFaulted || task.IsCanceled)
        {
            cache.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
    }

    private async Task<int> RegisterCoreAsync(SchemaKey key) =>
        (await _grain.RegisterAsync(key.Subject, key.Schema, key.Normalize).ConfigureAwait(false)).Id;

    private async Task<int> LookUpCoreAsync(SchemaKey key) =>
        (await _grain.LookUpAsync(key.Subject, key.Schema, key.Normalize).ConfigureAwait(false)).Id;

    /// <summary>A subject and a schema by value: its text, type and references (a record's list compares by reference, so they are compared here).</summary>
    private readonly record struct SchemaKey(string Subject, Schema Schema, bool Normalize)
    {
        public bool Equals(SchemaKey other) =>
            Normalize == other.Normalize
            && string.Equals(Subject, other.Subject, StringComparison.Ordinal)
            && Schema.Type == other.Schema.Type
            && string.Equals(Schema.Text, other.Schema.Text, StringComparison.Ordinal)
            && Schema.References.SequenceEqual(other.Schema.References);

        public override int GetHashCode() => HashCode.Combine(Subject, Schema.Type, Schema.Text, Normalize, Schema.References.Count);
    }
}
