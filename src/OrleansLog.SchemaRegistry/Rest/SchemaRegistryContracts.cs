using System.Text.Json.Serialization;

namespace OrleansLog.SchemaRegistry.Rest;

// The JSON bodies of Confluent Schema Registry's REST API, with its field names. Optional fields are left out when empty, as
// Confluent's registry does (schemaType for AVRO, references when there are none).

/// <summary>The body of a register, look-up or compatibility request.</summary>
internal sealed record SchemaRequest(
    [property: JsonPropertyName("schema")] string? Schema,
    [property: JsonPropertyName("schemaType")] string? SchemaType,
    [property: JsonPropertyName("references")] List<ReferenceContract>? References,
    [property: JsonPropertyName("id")] int? Id,
    [property: JsonPropertyName("version")] int? Version);

/// <summary>A schema reference: the name the schema uses, and the subject version it names.</summary>
internal sealed record ReferenceContract(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("version")] int Version);

/// <summary>One version of a subject.</summary>
internal sealed record VersionContract(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("schemaType")] string? SchemaType,
    [property: JsonPropertyName("references")] List<ReferenceContract>? References,
    [property: JsonPropertyName("schema")] string Schema);

/// <summary>A schema by id.</summary>
internal sealed record SchemaContract(
    [property: JsonPropertyName("schemaType")] string? SchemaType,
    [property: JsonPropertyName("references")] List<ReferenceContract>? References,
    [property: JsonPropertyName("schema")] string Schema);

/// <summary>The answer to a registration: Confluent's <c>id</c>, and (as Confluent 8 answers) the version it holds.</summary>
internal sealed record RegisterContract(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("schemaType")] string? SchemaType,
    [property: JsonPropertyName("references")] List<ReferenceContract>? References,
    [property: JsonPropertyName("schema")] string Schema);

/// <summary>A subject version, as <c>/schemas/ids/{id}/versions</c> lists them.</summary>
internal sealed record SubjectVersionContract(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("version")] int Version);

/// <summary>The answer to a compatibility check; <c>messages</c> only when asked with <c>verbose=true</c>.</summary>
internal sealed record CompatibilityCheckContract(
    [property: JsonPropertyName("is_compatible")] bool IsCompatible,
    [property: JsonPropertyName("messages")] IReadOnlyList<string>? Messages);

/// <summary>A compatibility level as <c>GET /config</c> answers it.</summary>
internal sealed record ConfigContract([property: JsonPropertyName("compatibilityLevel")] string CompatibilityLevel);

/// <summary>The body of <c>PUT /config</c>, and its answer.</summary>
internal sealed record ConfigUpdateContract([property: JsonPropertyName("compatibility")] string? Compatibility);

/// <summary>The body of <c>PUT /mode</c>, and the answer of the mode endpoints.</summary>
internal sealed record ModeContract([property: JsonPropertyName("mode")] string? Mode);

/// <summary>An error: Confluent's code and a message.</summary>
internal sealed record ErrorContract(
    [property: JsonPropertyName("error_code")] int ErrorCode,
    [property: JsonPropertyName("message")] string Message);

/// <summary>The answer of <c>/v1/metadata/id</c>, which Confluent's tools probe for the registry's cluster id.</summary>
internal sealed record ServerClusterIdContract(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("scope")] ServerClusterScopeContract Scope);

/// <summary>The scope of a <see cref="ServerClusterIdContract"/>.</summary>
internal sealed record ServerClusterScopeContract(
    [property: JsonPropertyName("path")] string[] Path,
    [property: JsonPropertyName("clusters")] Dictionary<string, string> Clusters);

/// <summary>
/// An association of a subject with a resource (a topic's keys or values), as Confluent's associations API lists them. OrleansLog keeps
/// none, so its lists are empty; the shape is Confluent's, for clients that read the fields.
/// </summary>
internal sealed record AssociationContract(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("guid")] string? Guid,
    [property: JsonPropertyName("resourceName")] string ResourceName,
    [property: JsonPropertyName("resourceNamespace")] string ResourceNamespace,
    [property: JsonPropertyName("resourceId")] string ResourceId,
    [property: JsonPropertyName("resourceType")] string ResourceType,
    [property: JsonPropertyName("associationType")] string AssociationType,
    [property: JsonPropertyName("lifecycle")] string? Lifecycle,
    [property: JsonPropertyName("frozen")] bool Frozen);

/// <summary>An empty JSON object, the answer of <c>GET /</c>.</summary>
internal sealed record EmptyContract;

/// <summary>Source-generated JSON for the REST API's bodies.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SchemaRequest))]
[JsonSerializable(typeof(VersionContract))]
[JsonSerializable(typeof(VersionContract[]))]
[JsonSerializable(typeof(SchemaContract))]
[JsonSerializable(typeof(RegisterContract))]
[JsonSerializable(typeof(SubjectVersionContract[]))]
[JsonSerializable(typeof(CompatibilityCheckContract))]
[JsonSerializable(typeof(ConfigContract))]
[JsonSerializable(typeof(ConfigUpdateContract))]
[JsonSerializable(typeof(ModeContract))]
[JsonSerializable(typeof(ErrorContract))]
[JsonSerializable(typeof(ServerClusterIdContract))]
[JsonSerializable(typeof(EmptyContract))]
[JsonSerializable(typeof(AssociationContract[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(int))]
internal sealed partial class SchemaRegistryJsonContext : JsonSerializerContext;
