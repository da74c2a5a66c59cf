using Microsoft.Extensions.Logging;
using OrleansLog.Hosting;
using static OrleansLog.Schemas.SchemaRegistryException;

namespace OrleansLog.Schemas;

/// <summary>
/// The cluster's schema registry. One activation serializes every change, so two concurrent registrations of one schema get one id;
/// all state is one grain-storage document (Confluent's registry also keeps every schema in memory). Reads may interleave.
/// </summary>
[GrainType(GrainTypes.SchemaRegistry)]
internal sealed partial class SchemaRegistryGrain(
    [PersistentState("schema-registry", OrleansLogSiloBuilderExtensions.StorageName)] IPersistentState<SchemaRegistryState> state,
    ILogger<SchemaRegistryGrain> logger) : Grain, ISchemaRegistryGrain
{
    /// <summary>The longest subject name accepted, as Confluent's registry does not bound it but a blob-backed one should.</summary>
    private const int MaxSubjectLength = 1024;

    private readonly Dictionary<int, StoredSchema> _byId = [];
    private readonly Dictionary<string, int> _idByIdentity = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SubjectState> _subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<int, ParsedSchema> _parsed = [];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Index();
        return Task.CompletedTask;
    }

    public async Task<RegisteredSchema> RegisterAsync(string subject, Schema schema, bool normalize = false, int? id = null, int? version = null)
    {
        ValidateSubject(subject);
        schema = PinLatest(schema);
        var parsed = Parse(schema);
        var text = normalize ? parsed.Normalized : parsed.Canonical;
        var identity = Identity(schema.Type, text, schema.References);
        var existing = _subjects.GetValueOrDefault(subject);

        var live = _idByIdentity.TryGetValue(identity, out var knownId) ? existing?.Versions.Find(v => !v.Deleted && v.Id == knownId) : null;
        live ??= existing is null ? null : Equivalent(existing, schema, parsed, deleted: false);
        if (live is not null)
        {
            knownId = live.Id;
            if (id is not null && id != knownId)
            {
                throw new SchemaRegistryException(Codes.OperationNotPermitted, $"Subject '{subject}' already holds this schema as id {knownId} (version {live.Version}); it cannot be imported again as id {id}.");
            }

            return Registered(subject, live);
        }

        // A schema the subject already holds is answered in any mode (producers that auto-register keep working under READONLY); only a new
        // version is a write. IMPORT takes only registrations that carry the source registry's id, so no producer takes an id meanwhile.
        var mode = ModeOf(subject);
        if (mode == RegistryMode.ReadOnly)
        {
            throw new SchemaRegistryException(Codes.OperationNotPermitted, $"Subject '{subject}' is in READONLY mode; set its mode (or the registry's) to READWRITE to register.");
        }

        if (mode == RegistryMode.Import && id is null)
        {
            throw new SchemaRegistryException(Codes.OperationNotPermitted, $"Subject '{subject}' is in IMPORT mode, which registers only schemas that carry their id (and version); set its mode to READWRITE to register new schemas.");
        }

        if ((id is not null || version is not null) && mode != RegistryMode.Import)
        {
            throw new SchemaRegistryException(Codes.OperationNotPermitted, $"A schema's id and version may only be given in IMPORT mode; subject '{subject}' is in {ConfluentNames.Of(mode)} mode.");
        }

        if (id is int.MaxValue || version is int.MaxValue)
        {
            throw new SchemaRegistryException(Codes.OperationNotPermitted, $"Id and version {int.MaxValue} cannot be imported: the registry numbers the next one after it.");
        }

        if (mode != RegistryMode.Import && existing is not null)
        {
            var problems = Problems(existing, LevelOf(existing.Name), parsed, against: null);
            if (problems.Count > 0)
            {
                throw new SchemaRegistryException(Codes.Incompatible, $"Schema being registered is incompatible with an earlier schema for subject '{subject}': {string.Join("; ", problems)}");
            }
        }

        var nextVersion = existing is { Versions.Count: > 0 } ? existing.Versions[^1].Version + 1 : 1;
        if (version is { } importedVersion)
        {
            if (importedVersion < 1)
            {
                throw new SchemaRegistryException(Codes.InvalidVersion, $"Version {importedVersion} is invalid; versions are positive numbers.");
            }

            if (existing?.Versions.Exists(v => v.Version == importedVersion) == true)
            {
                throw new SchemaRegistryException(Codes.OperationNotPermitted, $"Subject '{subject}' already has a version {importedVersion}; import under another version or delete that one permanently first.");
            }

            nextVersion = importedVersion;
        }

        var schemaId = ChooseId(identity, id);
        var subjectState = existing ?? new SubjectState { Name = subject };
        var newVersion = new VersionState { Version = nextVersion, Id = schemaId };

        await ChangeAsync(() =>
        {
            if (!_byId.ContainsKey(schemaId))
            {
                var stored = new StoredSchema { Id = schemaId, Type = schema.Type, Text = text, References = [.. schema.References] };
                state.State.Schemas.Add(stored);
                state.State.NextId = Math.Max(state.State.NextId, schemaId + 1);
            }

            if (existing is null)
            {
                state.State.Subjects.Add(subjectState);
            }

            subjectState.Versions.Add(newVersion);
            subjectState.Versions.Sort((a, b) => a.Version.CompareTo(b.Version));
        });

        _parsed.TryAdd(schemaId, parsed);
        LogRegistered(subject, nextVersion, schemaId);
        return Registered(subject, newVersion);
    }

    public Task<RegisteredSchema> LookUpAsync(string subject, Schema schema, bool normalize = false, bool deleted = false)
    {
        var subjectState = Subject(subject, deleted);
        schema = PinLatest(schema);
        var parsed = Parse(schema);
        foreach (var text in normalize ? new[] { parsed.Normalized, parsed.Canonical } : [parsed.Canonical])
        {
            if (_idByIdentity.TryGetValue(Identity(schema.Type, text, schema.References), out var id)
                && subjectState.Versions.FindLast(v => v.Id == id && (deleted || !v.Deleted)) is { } found)
            {
                return Task.FromResult(Registered(subject, found));
            }
        }

        if (Equivalent(subjectState, schema, parsed, deleted) is { } equivalent)
        {
            return Task.FromResult(Registered(subject, equivalent));
        }

        throw new SchemaRegistryException(Codes.SchemaNotFound, $"Subject '{subject}' does not hold this schema; register it first.");
    }

    /// <summary>
    /// The latest version of <paramref name="subject"/> that is <paramref name="schema"/> written differently: the same type, references and
    /// normalized form. Confluent finds a schema under a subject by meaning, and Avro libraries print keys in their own order (Apache.Avro
    /// writes a field's default before its type), so a serializer's text must find the version registered from a hand-written file.
    /// </summary>
    private VersionState? Equivalent(SubjectState subject, Schema schema, ParsedSchema parsed, bool deleted) =>
        subject.Versions.FindLast(v =>
            (deleted || !v.Deleted)
            && _byId[v.Id] is var stored
            && stored.Type == schema.Type
            && stored.References.SequenceEqual(schema.References)
            && TryParsed(v.Id) is { } candidate
            && string.Equals(candidate.Normalized, parsed.Normalized, StringComparison.Ordinal));

    // A soft-deleted version whose references were since deleted for good no longer parses; it cannot match, and must not fail the search.
    private ParsedSchema? TryParsed(int id)
    {
        try
        {
            return Parsed(id);
        }
        catch (SchemaRegistryException)
        {
            return null;
        }
    }

    // Confluent drops a subject's own compatibility level and mode when its last live version is soft-deleted, so a subject registered
    // again under the same name starts from the registry's settings.
    private static void ForgetConfig(SubjectState subject)
    {
        subject.Compatibility = null;
        subject.Mode = null;
    }

    /// <summary>
    /// The schema with each reference to a subject's latest version (-1) pinned to that version's number, so an id always means the same
    /// schemas, however the referenced subject grows later; a subject with no live version is left for <see cref="Resolve"/> to refuse.
    /// </summary>
    private Schema PinLatest(Schema schema)
    {
        if (!schema.References.Any(r => r.Version == ISchemaRegistryGrain.LatestVersion))
        {
            return schema;
        }

        return schema with
        {
            References = [.. schema.References.Select(r =>
                r.Version == ISchemaRegistryGrain.LatestVersion && _subjects.GetValueOrDefault(r.Subject)?.Versions.FindLast(v => !v.Deleted) is { } latest
                    ? r with { Version = latest.Version }
                    : r)],
        };
    }

    public Task<string[]> GetSubjectsAsync(string? prefix = null, bool deleted = false)
    {
        var names = _subjects.Values
            .Where(s => (prefix is null || s.Name.StartsWith(prefix, StringComparison.Ordinal)) && s.Versions.Exists(v => deleted || !v.Deleted))
            .Select(s => s.Name)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return Task.FromResult(names);
    }

    public Task<int[]> GetVersionsAsync(string subject, bool deleted = false) =>
        Task.FromResult(Subject(subject, deleted).Versions.Where(v => deleted || !v.Deleted).Select(v => v.Version).ToArray());

    public Task<RegisteredSchema> GetVersionAsync(string subject, int version, bool deleted = false) =>
        Task.FromResult(Registered(subject, Version(Subject(subject, deleted), version, deleted)));

    public Task<int[]> GetReferencedByAsync(string subject, int version)
    {
        var target = Version(Subject(subject, deleted: false), version, deleted: false);
        var ids = ReferrersOf(subject, target.Version).ToArray();
        return Task.FromResult(ids);
    }

    public async Task<int[]> DeleteSubjectAsync(string subject, bool permanent = false)
    {
        EnsureWritable(subject);
        var subjectState = Subject(subject, deleted: true);
        if (!permanent && subjectState.Versions.TrueForAll(v => v.Deleted))
        {
            throw new SchemaRegistryException(Codes.SubjectSoftDeleted, $"Subject '{subject}' was already soft-deleted; delete it with permanent=true to remove it for good.");
        }

        if (permanent && subjectState.Versions.Exists(v => !v.Deleted))
        {
            throw new SchemaRegistryException(Codes.SubjectNotSoftDeleted, $"Subject '{subject}' must be soft-deleted before it is permanently deleted; delete it without permanent=true first.");
        }

        foreach (var v in subjectState.Versions)
        {
            EnsureUnreferenced(subject, v.Version);
        }

        var versions = subjectState.Versions.Where(v => permanent || !v.Deleted).Select(v => v.Version).ToArray();
        await ChangeAsync(() =>
        {
            if (permanent)
            {
                subjectState.Versions.Clear();
                if (subjectState.Compatibility is null && subjectState.Mode is null)
                {
                    state.State.Subjects.Remove(subjectState);
                }

                DropUnheldSchemas();
            }
            else
            {
                subjectState.Versions.ForEach(v => v.Deleted = true);
                ForgetConfig(subjectState);
            }
        });

        LogDeleted(subject, string.Join(",", versions), permanent);
        return versions;
    }

    public async Task<int> DeleteVersionAsync(string subject, int version, bool permanent = false)
    {
        EnsureWritable(subject);
        // A soft-deleted version is found too, so deleting it again answers 40406 (as Confluent's registry does), not 40402; "latest"
        // names the latest live version unless the delete is permanent.
        var target = Version(Subject(subject, deleted: true), version, deleted: permanent || version != ISchemaRegistryGrain.LatestVersion);
        if (!permanent && target.Deleted)
        {
            throw new SchemaRegistryException(Codes.VersionSoftDeleted, $"Version {target.Version} of subject '{subject}' was already soft-deleted; delete it with permanent=true to remove it for good.");
        }

        if (permanent && !target.Deleted)
        {
            throw new SchemaRegistryException(Codes.VersionNotSoftDeleted, $"Version {target.Version} of subject '{subject}' must be soft-deleted before it is permanently deleted; delete it without permanent=true first.");
        }

        EnsureUnreferenced(subject, target.Version);
        await ChangeAsync(() =>
        {
            if (permanent)
            {
                var subjectState = _subjects[subject];
                subjectState.Versions.Remove(target);
                if (subjectState.Versions.Count == 0 && subjectState.Compatibility is null && subjectState.Mode is null)
                {
                    state.State.Subjects.Remove(subjectState);
                }

                DropUnheldSchemas();
            }
            else
            {
                target.Deleted = true;
                if (_subjects[subject].Versions.TrueForAll(v => v.Deleted))
                {
                    ForgetConfig(_subjects[subject]);
                }
            }
        });

        LogDeleted(subject, target.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), permanent);
        return target.Version;
    }

    public Task<Schema> GetSchemaAsync(int id) => Task.FromResult(ToSchema(Stored(id)));

    public Task<SubjectVersion[]> GetSchemaVersionsAsync(int id, bool deleted = false)
    {
        Stored(id);
        var versions = _subjects.Values
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .SelectMany(s => s.Versions.Where(v => v.Id == id && (deleted || !v.Deleted)).Select(v => new SubjectVersion(s.Name, v.Version)))
            .ToArray();
        return Task.FromResult(versions);
    }

    public Task<RegisteredSchema[]> ListSchemasAsync(string? prefix = null, bool deleted = false, bool latestOnly = false)
    {
        var schemas = new List<RegisteredSchema>();
        foreach (var subject in _subjects.Values.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (prefix is not null && !subject.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var versions = subject.Versions.Where(v => deleted || !v.Deleted).ToList();
            foreach (var v in latestOnly ? versions.TakeLast(1) : versions)
            {
                schemas.Add(Registered(subject.Name, v));
            }
        }

        return Task.FromResult(schemas.ToArray());
    }

    public Task<CompatibilityResult> CheckCompatibilityAsync(string subject, int? version, Schema schema, bool normalize = false)
    {
        ValidateSubject(subject);
        var parsed = Parse(schema);
        if (!_subjects.TryGetValue(subject, out var subjectState) || !subjectState.Versions.Exists(v => !v.Deleted))
        {
            if (version is { } asked && asked != ISchemaRegistryGrain.LatestVersion)
            {
                throw new SchemaRegistryException(Codes.SubjectNotFound, $"Subject '{subject}' not found.");
            }

            return Task.FromResult(new CompatibilityResult(true, []));
        }

        var against = version is { } v ? Version(subjectState, v, deleted: false) : null;
        var problems = Problems(subjectState, LevelOf(subject), parsed, against);
        return Task.FromResult(new CompatibilityResult(problems.Count == 0, problems));
    }

    public Task<CompatibilityLevel> GetCompatibilityAsync(string? subject = null, bool defaultToGlobal = true)
    {
        if (subject is null)
        {
            return Task.FromResult(state.State.Compatibility);
        }

        if (_subjects.GetValueOrDefault(subject)?.Compatibility is { } own)
        {
            return Task.FromResult(own);
        }

        return defaultToGlobal
            ? Task.FromResult(state.State.Compatibility)
            : throw new SchemaRegistryException(Codes.SubjectCompatibilityNotConfigured, $"Subject '{subject}' has no compatibility level of its own; it follows the registry's ({ConfluentNames.Of(state.State.Compatibility)}).");
    }

    public async Task SetCompatibilityAsync(string? subject, CompatibilityLevel level)
    {
        if (!Enum.IsDefined(level))
        {
            throw new SchemaRegistryException(Codes.InvalidCompatibilityLevel, $"Unknown compatibility level {level}; use one of {string.Join(", ", Enum.GetValues<CompatibilityLevel>().Select(ConfluentNames.Of))}.");
        }

        if (subject is null)
        {
            await ChangeAsync(() => state.State.Compatibility = level);
            return;
        }

        ValidateSubject(subject);
        await ChangeAsync(() => SubjectForConfig(subject).Compatibility = level);
    }

    public async Task<CompatibilityLevel> DeleteCompatibilityAsync(string subject)
    {
        if (_subjects.GetValueOrDefault(subject) is not { Compatibility: { } own } subjectState)
        {
            throw new SchemaRegistryException(Codes.SubjectCompatibilityNotConfigured, $"Subject '{subject}' has no compatibility level of its own to delete.");
        }

        await ChangeAsync(() =>
        {
            subjectState.Compatibility = null;
            DropIfEmpty(subjectState);
        });
        return own;
    }

    public Task<RegistryMode> GetModeAsync(string? subject = null, bool defaultToGlobal = true)
    {
        if (subject is null)
        {
            return Task.FromResult(state.State.Mode);
        }

        if (_subjects.GetValueOrDefault(subject)?.Mode is { } own)
        {
            return Task.FromResult(own);
        }

        return defaultToGlobal
            ? Task.FromResult(state.State.Mode)
            : throw new SchemaRegistryException(Codes.SubjectModeNotConfigured, $"Subject '{subject}' has no mode of its own; it follows the registry's ({ConfluentNames.Of(state.State.Mode)}).");
    }

    public async Task SetModeAsync(string? subject, RegistryMode mode, bool force = false)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new SchemaRegistryException(Codes.InvalidMode, $"Unknown mode {mode}; use READWRITE, READONLY or IMPORT.");
        }

        if (subject is not null)
        {
            ValidateSubject(subject);
        }

        // Only a switch into IMPORT is checked: importers set the mode again when they restart, and soft-deleted versions do not count.
        if (mode == RegistryMode.Import && !force && (subject is null ? state.State.Mode : ModeOf(subject)) != RegistryMode.Import)
        {
            var holdsSchemas = subject is null
                ? _subjects.Values.Any(s => s.Versions.Exists(v => !v.Deleted))
                : _subjects.GetValueOrDefault(subject)?.Versions.Exists(v => !v.Deleted) == true;
            if (holdsSchemas)
            {
                throw new SchemaRegistryException(Codes.OperationNotPermitted, $"Cannot switch {(subject is null ? "the registry" : $"subject '{subject}'")} to IMPORT mode while it holds schemas; delete them or pass force=true.");
            }
        }

        if (subject is null)
        {
            await ChangeAsync(() => state.State.Mode = mode);
            return;
        }

        await ChangeAsync(() => SubjectForConfig(subject).Mode = mode);
    }

    public async Task<RegistryMode> DeleteModeAsync(string subject)
    {
        if (_subjects.GetValueOrDefault(subject) is not { Mode: { } own } subjectState)
        {
            throw new SchemaRegistryException(Codes.SubjectModeNotConfigured, $"Subject '{subject}' has no mode of its own to delete.");
        }

        await ChangeAsync(() =>
        {
            subjectState.Mode = null;
            DropIfEmpty(subjectState);
        });
        return own;
    }

    public Task<bool> IsRegisteredAsync(string subject, int id) =>
        Task.FromResult(_subjects.TryGetValue(subject, out var s) && s.Versions.Exists(v => v.Id == id && !v.Deleted));

    /// <summary>
    /// Applies <paramref name="change"/> to the state and writes it. A failed write reloads what storage holds, so memory never
    /// claims a registration that is not durable, and answers 50001 so the client retries.
    /// </summary>
    private async Task ChangeAsync(Action change)
    {
        change();
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception e)
        {
            LogWriteFailed(e);
            try
            {
                await state.ReadStateAsync();
            }
            catch (Exception reload)
            {
                // Memory may now hold an unwritten change; the next activation reads storage afresh.
                DeactivateOnIdle();
                LogWriteFailed(reload);
            }

            throw new SchemaRegistryException(Codes.StoreError, $"The schema registry could not write its state to storage ({e.GetType().Name}: {e.Message}); it may or may not have been applied: look it up, then retry.");
        }
        finally
        {
            Index();
        }
    }

    /// <summary>Rebuilds the lookups from the state.</summary>
    private void Index()
    {
        _byId.Clear();
        _idByIdentity.Clear();
        _subjects.Clear();
        foreach (var schema in state.State.Schemas)
        {
            _byId[schema.Id] = schema;
            _idByIdentity[Identity(schema.Type, schema.Text, schema.References)] = schema.Id;
        }

        foreach (var subject in state.State.Subjects)
        {
            _subjects[subject.Name] = subject;
        }

        foreach (var id in _parsed.Keys.Where(id => !_byId.ContainsKey(id)).ToList())
        {
            _parsed.Remove(id);
        }
    }

    /// <summary>What makes two registrations the same schema: language, stored text and references.</summary>
    private static string Identity(SchemaType type, string text, IEnumerable<SchemaReference> references) =>
        $"{type}\n{text}\n{string.Join("\n", references.Select(r => $"{r.Name}\0{r.Subject}\0{r.Version}"))}";

    private int ChooseId(string identity, int? imported)
    {
        if (imported is not { } id)
        {
            return _idByIdentity.TryGetValue(identity, out var known) ? known : state.State.NextId;
        }

        if (id < 1)
        {
            throw new SchemaRegistryException(Codes.InvalidSchema, $"Schema id {id} is invalid; ids are positive numbers.");
        }

        if (_byId.ContainsKey(id) && (!_idByIdentity.TryGetValue(identity, out var holder) || holder != id))
        {
            throw new SchemaRegistryException(Codes.OperationNotPermitted, $"Schema id {id} already names another schema; import this schema under a free id.");
        }

        return id;
    }

    private ParsedSchema Parse(Schema schema)
    {
        if (string.IsNullOrWhiteSpace(schema.Text))
        {
            throw new SchemaRegistryException(Codes.InvalidSchema, "The schema is empty; send its text in the 'schema' field.");
        }

        return SchemaFormats.For(schema.Type).Parse(schema.Text, Resolve(schema.References));
    }

    private ParsedSchema Parsed(int id)
    {
        if (!_parsed.TryGetValue(id, out var parsed))
        {
            var stored = _byId[id];
            parsed = SchemaFormats.For(stored.Type).Parse(stored.Text, Resolve(stored.References));
            _parsed[id] = parsed;
        }

        return parsed;
    }

    /// <summary>The referenced schemas, transitively, dependencies first; each must be a live version.</summary>
    private List<ResolvedReference> Resolve(IReadOnlyList<SchemaReference> references)
    {
        var resolved = new List<ResolvedReference>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Visit(SchemaReference reference, int depth)
        {
            if (depth > 32)
            {
                throw new SchemaRegistryException(Codes.InvalidSchema, $"References nest deeper than 32 levels at '{reference.Name}'; a reference cycle?");
            }

            if (string.IsNullOrEmpty(reference.Name) || string.IsNullOrEmpty(reference.Subject))
            {
                throw new SchemaRegistryException(Codes.InvalidSchema, "A schema reference needs a name, a subject and a version.");
            }

            if (!_subjects.TryGetValue(reference.Subject, out var subject)
                || (reference.Version == ISchemaRegistryGrain.LatestVersion ? subject.Versions.FindLast(v => !v.Deleted) : subject.Versions.Find(v => v.Version == reference.Version && !v.Deleted)) is not { } version)
            {
                throw new SchemaRegistryException(Codes.InvalidSchema, $"Reference '{reference.Name}' names version {reference.Version} of subject '{reference.Subject}', which is not registered; register it first.");
            }

            var stored = _byId[version.Id];
            foreach (var inner in stored.References)
            {
                Visit(inner, depth + 1);
            }

            if (seen.Add(reference.Name))
            {
                resolved.Add(new ResolvedReference(reference.Name, stored.Text));
            }
        }

        foreach (var reference in references)
        {
            Visit(reference, 0);
        }

        return resolved;
    }

    /// <summary>
    /// Why <paramref name="candidate"/> breaks <paramref name="level"/> for <paramref name="subject"/>: against
    /// <paramref name="against"/>, or against the latest (or, transitive, every) live version.
    /// </summary>
    private List<string> Problems(SubjectState subject, CompatibilityLevel level, ParsedSchema candidate, VersionState? against)
    {
        var problems = new List<string>();
        if (level == CompatibilityLevel.None)
        {
            return problems;
        }

        var live = subject.Versions.Where(v => !v.Deleted).ToList();
        var transitive = level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
        IEnumerable<VersionState> checkedVersions = against is not null ? [against] : transitive ? live : live.TakeLast(1);
        var backward = level is CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
        var forward = level is CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;

        foreach (var version in checkedVersions.Reverse())
        {
            var earlier = Parsed(version.Id);
            if (earlier.Type != candidate.Type)
            {
                problems.Add($"version {version.Version} is a {ConfluentNames.Of(earlier.Type)} schema and this one is {ConfluentNames.Of(candidate.Type)}; a subject keeps one schema type");
                continue;
            }

            if (backward)
            {
                problems.AddRange(candidate.ReadProblems(earlier).Select(p => $"{ConfluentNames.Of(level)}: the new schema cannot read data written with version {version.Version}: {p}"));
            }

            if (forward)
            {
                problems.AddRange(earlier.ReadProblems(candidate).Select(p => $"{ConfluentNames.Of(level)}: version {version.Version} cannot read data written with the new schema: {p}"));
            }
        }

        return problems;
    }

    private IEnumerable<int> ReferrersOf(string subject, int version) =>
        _byId.Values
            .Where(s => s.References.Any(r => r.Subject == subject && (r.Version == version || (r.Version == ISchemaRegistryGrain.LatestVersion && LatestLive(subject) == version))))
            .Where(s => _subjects.Values.Any(sub => sub.Versions.Exists(v => v.Id == s.Id && !v.Deleted)))
            .Select(s => s.Id)
            .Order();

    private int? LatestLive(string subject) => _subjects.GetValueOrDefault(subject)?.Versions.FindLast(v => !v.Deleted)?.Version;

    private void EnsureUnreferenced(string subject, int version)
    {
        var referrers = ReferrersOf(subject, version).ToList();
        if (referrers.Count > 0)
        {
            throw new SchemaRegistryException(Codes.ReferenceExists, $"Version {version} of subject '{subject}' is referenced by schema ids {string.Join(", ", referrers)}; delete those versions first.");
        }
    }

    private void EnsureWritable(string subject)
    {
        if (ModeOf(subject) == RegistryMode.ReadOnly)
        {
            throw new SchemaRegistryException(Codes.OperationNotPermitted, $"Subject '{subject}' is in READONLY mode; set its mode (or the registry's) to READWRITE to delete.");
        }
    }

    /// <summary>Removes schemas no version holds any more; their ids stay retired because <see cref="SchemaRegistryState.NextId"/> only grows.</summary>
    private void DropUnheldSchemas()
    {
        var held = state.State.Subjects.SelectMany(s => s.Versions).Select(v => v.Id).ToHashSet();
        state.State.Schemas.RemoveAll(s => !held.Contains(s.Id));
    }

    private void DropIfEmpty(SubjectState subject)
    {
        if (subject.Versions.Count == 0 && subject.Compatibility is null && subject.Mode is null)
        {
            state.State.Subjects.Remove(subject);
        }
    }

    private SubjectState SubjectForConfig(string subject)
    {
        if (!_subjects.TryGetValue(subject, out var subjectState))
        {
            subjectState = new SubjectState { Name = subject };
            state.State.Subjects.Add(subjectState);
        }

        return subjectState;
    }

    private SubjectState Subject(string subject, bool deleted)
    {
        if (!_subjects.TryGetValue(subject, out var subjectState) || subjectState.Versions.Count == 0 || (!deleted && subjectState.Versions.TrueForAll(v => v.Deleted)))
        {
            throw new SchemaRegistryException(Codes.SubjectNotFound, $"Subject '{subject}' not found.");
        }

        return subjectState;
    }

    private static VersionState Version(SubjectState subject, int version, bool deleted)
    {
        if (version != ISchemaRegistryGrain.LatestVersion && version < 1)
        {
            throw new SchemaRegistryException(Codes.InvalidVersion, $"Version {version} is invalid; use a positive number or 'latest'.");
        }

        var found = version == ISchemaRegistryGrain.LatestVersion
            ? subject.Versions.FindLast(v => deleted || !v.Deleted)
            : subject.Versions.Find(v => v.Version == version && (deleted || !v.Deleted));
        return found ?? throw new SchemaRegistryException(Codes.VersionNotFound, $"Subject '{subject.Name}' has no version {(version == ISchemaRegistryGrain.LatestVersion ? "latest" : version)}.");
    }

    private StoredSchema Stored(int id) =>
        _byId.GetValueOrDefault(id) ?? throw new SchemaRegistryException(Codes.SchemaNotFound, $"Schema {id} not found.");

    private RegisteredSchema Registered(string subject, VersionState version) => new(subject, version.Version, version.Id, ToSchema(_byId[version.Id]));

    private static Schema ToSchema(StoredSchema stored) => new(stored.Text, stored.Type, [.. stored.References]);

    private CompatibilityLevel LevelOf(string subject) => _subjects.GetValueOrDefault(subject)?.Compatibility ?? state.State.Compatibility;

    private RegistryMode ModeOf(string subject) => _subjects.GetValueOrDefault(subject)?.Mode ?? state.State.Mode;

    private static void ValidateSubject(string subject)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > MaxSubjectLength || subject.Any(char.IsControl))
        {
            throw new SchemaRegistryException(Codes.InvalidSubject, $"Subject '{subject}' is invalid: use 1 to {MaxSubjectLength} characters without control characters (by default '<topic>-key' or '<topic>-value').");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered version {Version} of subject {Subject} as schema {Id}")]
    private partial void LogRegistered(string subject, int version, int id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted versions {Versions} of subject {Subject} (permanent: {Permanent})")]
    private partial void LogDeleted(string subject, string versions, bool permanent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The schema registry could not write its state")]
    private partial void LogWriteFailed(Exception exception);
}
