using System.Net;
using Confluent.SchemaRegistry;
using OrleansLog.Schemas;
using ConfluentSchema = Confluent.SchemaRegistry.Schema;
using ConfluentSchemaType = Confluent.SchemaRegistry.SchemaType;
using RegisteredSchema = Confluent.SchemaRegistry.RegisteredSchema;
using Schema = OrleansLog.Schemas.Schema;
using SchemaType = OrleansLog.Schemas.SchemaType;

namespace OrleansLog.ClusterTests.Schemas;

/// <summary>
/// Confluent's registry client interface over the cluster's registry grain, for the interop tests until they go through the REST API: only
/// what Confluent's Avro and JSON serdes call (register, look up, get by id, latest); everything else is not supported.
/// </summary>
internal sealed class GrainSchemaRegistryClient(IGrainFactory grainFactory) : ISchemaRegistryClient
{
    private readonly ISchemaRegistryGrain _grain = grainFactory.GetGrain<ISchemaRegistryGrain>(ISchemaRegistryGrain.Key);

    public IEnumerable<KeyValuePair<string, string>> Config => [];

    public IAuthenticationHeaderValueProvider AuthHeaderProvider => null!;

    public IWebProxy Proxy => null!;

    public int MaxCachedSchemas => 1000;

    public async Task<int> RegisterSchemaAsync(string subject, ConfluentSchema schema, bool normalize = false) =>
        (await _grain.RegisterAsync(subject, Ours(schema), normalize)).Id;

    public async Task<RegisteredSchema> RegisterSchemaWithResponseAsync(string subject, ConfluentSchema schema, bool normalize = false) =>
        Theirs(await _grain.RegisterAsync(subject, Ours(schema), normalize));

    public async Task<RegisteredSchema> LookupSchemaAsync(string subject, ConfluentSchema schema, bool ignoreDeletedSchemas, bool normalize = false) =>
        Theirs(await _grain.LookUpAsync(subject, Ours(schema), normalize, deleted: !ignoreDeletedSchemas));

    public async Task<int> GetSchemaIdAsync(string subject, ConfluentSchema schema, bool normalize = false) =>
        (await _grain.LookUpAsync(subject, Ours(schema), normalize)).Id;

    public async Task<ConfluentSchema> GetSchemaAsync(int id, string? format = null) => Theirs(await _grain.GetSchemaAsync(id));

    public Task<ConfluentSchema> GetSchemaBySubjectAndIdAsync(string subject, int id, string? format = null) => GetSchemaAsync(id, format);

    public async Task<RegisteredSchema> GetRegisteredSchemaAsync(string subject, int version, bool ignoreDeletedSchemas = true) =>
        Theirs(await _grain.GetVersionAsync(subject, version, deleted: !ignoreDeletedSchemas));

    public Task<RegisteredSchema> GetLatestSchemaAsync(string subject) => GetRegisteredSchemaAsync(subject, ISchemaRegistryGrain.LatestVersion);

    public string ConstructKeySubjectName(string topic, string? recordType = null) => $"{topic}-key";

    public string ConstructValueSubjectName(string topic, string? recordType = null) => $"{topic}-value";

    public void ClearLatestCaches()
    {
    }

    public void ClearCaches()
    {
    }

    public void Dispose()
    {
    }

    public Task<int> RegisterSchemaAsync(string subject, string avroSchema, bool normalize = false) => throw new NotSupportedException();

    public Task<int> GetSchemaIdAsync(string subject, string avroSchema, bool normalize = false) => throw new NotSupportedException();

    public Task<ConfluentSchema> GetSchemaByGuidAsync(string guid, string? format = null) => throw new NotSupportedException();

    public Task<string> GetSchemaAsync(string subject, int version) => throw new NotSupportedException();

    public Task<RegisteredSchema> GetLatestWithMetadataAsync(string subject, IDictionary<string, string> metadata, bool ignoreDeletedSchemas) => throw new NotSupportedException();

    public Task<List<string>> GetAllSubjectsAsync() => throw new NotSupportedException();

    public Task<List<int>> GetSubjectVersionsAsync(string subject) => throw new NotSupportedException();

    public Task<bool> IsCompatibleAsync(string subject, ConfluentSchema schema) => throw new NotSupportedException();

    public Task<bool> IsCompatibleAsync(string subject, string avroSchema) => throw new NotSupportedException();

    public Task<Compatibility> GetCompatibilityAsync(string? subject = null) => throw new NotSupportedException();

    public Task<Compatibility> UpdateCompatibilityAsync(Compatibility compatibility, string? subject = null) => throw new NotSupportedException();

    public Task<AssociationResponse> CreateAssociationAsync(AssociationCreateOrUpdateRequest request) => throw new NotSupportedException();

    public Task DeleteAssociationsAsync(string resourceId, string resourceType, List<string> associationTypes, bool cascadeLifecycle) => throw new NotSupportedException();

    // Confluent 2.16's default subject strategy asks for the topic's associations first and falls back to the topic name when there are none.
    public Task<List<Association>> GetAssociationsByResourceNameAsync(string resourceName, string resourceNamespace, string resourceType, List<string> associationTypes, string lifecycle, int offset, int limit) =>
        Task.FromResult(new List<Association>());

    private static Schema Ours(ConfluentSchema schema)
    {
        Assert.Empty(schema.References ?? []);
        var type = schema.SchemaType switch
        {
            ConfluentSchemaType.Avro => SchemaType.Avro,
            ConfluentSchemaType.Json => SchemaType.Json,
            _ => SchemaType.Protobuf,
        };
        return new Schema(schema.SchemaString, type);
    }

    private static ConfluentSchemaType Theirs(SchemaType type) => type switch
    {
        SchemaType.Avro => ConfluentSchemaType.Avro,
        SchemaType.Json => ConfluentSchemaType.Json,
        _ => ConfluentSchemaType.Protobuf,
    };

    private static ConfluentSchema Theirs(Schema schema) => new(schema.Text, [], Theirs(schema.Type));

    private static RegisteredSchema Theirs(OrleansLog.Schemas.RegisteredSchema registered) =>
        new(registered.Subject, registered.Version, registered.Id, registered.Schema.Text, Theirs(registered.Schema.Type), []);
}
