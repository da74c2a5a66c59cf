using OrleansLog.Schemas;

namespace OrleansLog.Tests.Schemas;

/// <summary>
/// The registry calls the serializers make, in memory: ids by schema text (one id per text across subjects), versions per subject, and a
/// count of calls so tests can see what the cache saved. <see cref="Gate"/> holds calls back until released.
/// </summary>
internal sealed class InMemorySchemaRegistryGrain : ISchemaRegistryGrain
{
    private readonly object _lock = new();
    private readonly Dictionary<string, int> _ids = [];
    private readonly Dictionary<int, Schema> _schemas = [];
    private readonly Dictionary<string, List<int>> _subjects = [];
    private int _calls;

    public TaskCompletionSource Gate { get; set; } = CompletedGate();

    public int Calls => Volatile.Read(ref _calls);

    public int FailuresToInject { get; set; }

    public IReadOnlyCollection<string> Subjects
    {
        get
        {
            lock (_lock)
            {
                return [.. _subjects.Keys];
            }
        }
    }

    public async Task<RegisteredSchema> RegisterAsync(string subject, Schema schema, bool normalize = false, int? id = null, int? version = null)
    {
        await EnterAsync();
        lock (_lock)
        {
            if (!_ids.TryGetValue(schema.Text, out var schemaId))
            {
                schemaId = _ids[schema.Text] = _ids.Count + 1;
                _schemas[schemaId] = schema;
            }

            var versions = _subjects.TryGetValue(subject, out var list) ? list : _subjects[subject] = [];
            if (!versions.Contains(schemaId))
            {
                versions.Add(schemaId);
            }

            return new RegisteredSchema(subject, versions.IndexOf(schemaId) + 1, schemaId, schema);
        }
    }

    public async Task<RegisteredSchema> LookUpAsync(string subject, Schema schema, bool normalize = false, bool deleted = false)
    {
        await EnterAsync();
        lock (_lock)
        {
            if (_ids.TryGetValue(schema.Text, out var schemaId) && _subjects.TryGetValue(subject, out var versions) && versions.Contains(schemaId))
            {
                return new RegisteredSchema(subject, versions.IndexOf(schemaId) + 1, schemaId, schema);
            }
        }

        throw new SchemaRegistryException(SchemaRegistryException.Codes.SchemaNotFound, $"Subject '{subject}' does not hold this schema.");
    }

    public async Task<Schema> GetSchemaAsync(int id)
    {
        await EnterAsync();
        lock (_lock)
        {
            return _schemas.TryGetValue(id, out var schema)
                ? schema
                : throw new SchemaRegistryException(SchemaRegistryException.Codes.SchemaNotFound, $"No schema has id {id}.");
        }
    }

    public async Task<RegisteredSchema> GetVersionAsync(string subject, int version, bool deleted = false)
    {
        await EnterAsync();
        lock (_lock)
        {
            if (!_subjects.TryGetValue(subject, out var versions) || versions.Count == 0)
            {
                throw new SchemaRegistryException(SchemaRegistryException.Codes.SubjectNotFound, $"Subject '{subject}' not found.");
            }

            var index = version == ISchemaRegistryGrain.LatestVersion ? versions.Count - 1 : version - 1;
            return new RegisteredSchema(subject, index + 1, versions[index], _schemas[versions[index]]);
        }
    }

    public Task<string[]> GetSubjectsAsync(string? prefix = null, bool deleted = false) => throw new NotSupportedException();

    public Task<int[]> GetVersionsAsync(string subject, bool deleted = false) => throw new NotSupportedException();

    public Task<int[]> GetReferencedByAsync(string subject, int version) => throw new NotSupportedException();

    public Task<int[]> DeleteSubjectAsync(string subject, bool permanent = false) => throw new NotSupportedException();

    public Task<int> DeleteVersionAsync(string subject, int version, bool permanent = false) => throw new NotSupportedException();

    public Task<SubjectVersion[]> GetSchemaVersionsAsync(int id, bool deleted = false) => throw new NotSupportedException();

    public Task<RegisteredSchema[]> ListSchemasAsync(string? prefix = null, bool deleted = false, bool latestOnly = false) => throw new NotSupportedException();

    public Task<CompatibilityResult> CheckCompatibilityAsync(string subject, int? version, Schema schema, bool normalize = false) => throw new NotSupportedException();

    public Task<CompatibilityLevel> GetCompatibilityAsync(string? subject = null, bool defaultToGlobal = true) => throw new NotSupportedException();

    public Task SetCompatibilityAsync(string? subject, CompatibilityLevel level) => throw new NotSupportedException();

    public Task<CompatibilityLevel> DeleteCompatibilityAsync(string subject) => throw new NotSupportedException();

    public Task<RegistryMode> GetModeAsync(string? subject = null, bool defaultToGlobal = true) => throw new NotSupportedException();

    public Task SetModeAsync(string? subject, RegistryMode mode, bool force = false) => throw new NotSupportedException();

    public Task<RegistryMode> DeleteModeAsync(string subject) => throw new NotSupportedException();

    public async Task<bool> IsRegisteredAsync(string subject, int id)
    {
        await EnterAsync();
        lock (_lock)
        {
            return _subjects.TryGetValue(subject, out var versions) && versions.Contains(id);
        }
    }

    /// <summary>Takes <paramref name="id"/> out of <paramref name="subject"/>, as a version's delete does.</summary>
    public void Remove(string subject, int id)
    {
        lock (_lock)
        {
            _subjects[subject].Remove(id);
        }
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private async Task EnterAsync()
    {
        Interlocked.Increment(ref _calls);
        await Gate.Task;
        lock (_lock)
        {
            if (FailuresToInject > 0)
            {
                FailuresToInject--;
                throw new SchemaRegistryException(SchemaRegistryException.Codes.StoreError, "Injected store failure.");
            }
        }
    }
}
