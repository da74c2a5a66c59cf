using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansLog.Schemas;
using static OrleansLog.SchemaRegistry.Rest.SchemaRegistryRequests;
using static OrleansLog.SchemaRegistry.Rest.SchemaRegistryResults;

namespace OrleansLog.SchemaRegistry.Rest;

/// <summary>
/// Confluent Schema Registry's REST API over <see cref="ISchemaRegistryGrain"/>: each handler reads the request, makes one grain call
/// (two for the global config reset) and shapes the answer; the rules live in the grain.
/// </summary>
internal static class SchemaRegistryEndpoints
{
    /// <summary>The schema types the registry knows, in Confluent's order.</summary>
    private static readonly string[] s_schemaTypes = ["JSON", "PROTOBUF", "AVRO"];

    /// <summary>Maps every route on <paramref name="api"/>.</summary>
    public static void Map(RouteGroupBuilder api)
    {
        MapRoot(api);
        MapSubjects(api);
        MapSchemas(api);
        MapCompatibility(api);
        MapConfig(api);
        MapMode(api);
        MapAssociations(api);
        api.MapFallback(() => Error(404, 404, "HTTP 404 Not Found"));
    }

    private static void MapRoot(RouteGroupBuilder api)
    {
        api.MapGet("/", () => Json(new EmptyContract(), SchemaRegistryJsonContext.Default.EmptyContract));

        // Confluent's tools (the Control Center, some UIs) read the registry's cluster id; there is one registry per cluster.
        api.MapGet("/v1/metadata/id", () => Json(
            new ServerClusterIdContract("orleanslog", new ServerClusterScopeContract([], new Dictionary<string, string> { ["schema-registry-cluster"] = "orleanslog" })),
            SchemaRegistryJsonContext.Default.ServerClusterIdContract));

        // Schema contexts are not supported: everything is in Confluent's default context.
        api.MapGet("/contexts", () => Json(new[] { "." }, SchemaRegistryJsonContext.Default.StringArray));
    }

    private static void MapSubjects(RouteGroupBuilder api)
    {
        api.MapGet("/subjects", async (HttpContext http, IGrainFactory grains) =>
            Json(await Registry(grains).GetSubjectsAsync(Prefix(http), Flag(http, "deleted")), SchemaRegistryJsonContext.Default.StringArray));

        api.MapGet("/subjects/{subject}/versions", async (HttpContext http, IGrainFactory grains, string subject) =>
            Json(await Registry(grains).GetVersionsAsync(Subject(subject), Flag(http, "deleted")), SchemaRegistryJsonContext.Default.Int32Array));

        api.MapGet("/subjects/{subject}/versions/{version}", async (HttpContext http, IGrainFactory grains, string subject, string version) =>
            Json(ToContract(await Registry(grains).GetVersionAsync(Subject(subject), Version(version), Flag(http, "deleted"))), SchemaRegistryJsonContext.Default.VersionContract));

        api.MapGet("/subjects/{subject}/versions/{version}/schema", async (HttpContext http, IGrainFactory grains, string subject, string version) =>
            Raw((await Registry(grains).GetVersionAsync(Subject(subject), Version(version), Flag(http, "deleted"))).Schema.Text));

        api.MapGet("/subjects/{subject}/versions/{version}/referencedby", async (IGrainFactory grains, string subject, string version) =>
            Json(await Registry(grains).GetReferencedByAsync(Subject(subject), Version(version)), SchemaRegistryJsonContext.Default.Int32Array));

        api.MapPost("/subjects/{subject}/versions", async (HttpContext http, IGrainFactory grains, string subject) =>
        {
            var body = await ReadBodyAsync(http, SchemaRegistryJsonContext.Default.SchemaRequest).ConfigureAwait(false);

            // Only IMPORT mode takes an id and a version; clients that send 0 (or -1) for "none" mean none.
            var registered = await Registry(grains).RegisterAsync(
                Subject(subject),
                Schema(body),
                Flag(http, "normalize"),
                body.Id is > 0 ? body.Id : null,
                body.Version is > 0 ? body.Version : null).ConfigureAwait(false);
            var schema = registered.Schema;
            return Json(
                new RegisterContract(registered.Id, registered.Subject, registered.Version, TypeName(schema.Type), References(schema), schema.Text),
                SchemaRegistryJsonContext.Default.RegisterContract);
        });

        api.MapPost("/subjects/{subject}", async (HttpContext http, IGrainFactory grains, string subject) =>
        {
            var body = await ReadBodyAsync(http, SchemaRegistryJsonContext.Default.SchemaRequest).ConfigureAwait(false);
            var found = await Registry(grains).LookUpAsync(Subject(subject), Schema(body), Flag(http, "normalize"), Flag(http, "deleted")).ConfigureAwait(false);
            return Json(ToContract(found), SchemaRegistryJsonContext.Default.VersionContract);
        });

        api.MapDelete("/subjects/{subject}", async (HttpContext http, IGrainFactory grains, string subject) =>
            Json(await Registry(grains).DeleteSubjectAsync(Subject(subject), Flag(http, "permanent")), SchemaRegistryJsonContext.Default.Int32Array));

        api.MapDelete("/subjects/{subject}/versions/{version}", async (HttpContext http, IGrainFactory grains, string subject, string version) =>
            Json(await Registry(grains).DeleteVersionAsync(Subject(subject), Version(version), Flag(http, "permanent")), SchemaRegistryJsonContext.Default.Int32));
    }

    private static void MapSchemas(RouteGroupBuilder api)
    {
        api.MapGet("/schemas/types", () => Json(s_schemaTypes, SchemaRegistryJsonContext.Default.StringArray));

        api.MapGet("/schemas", async (HttpContext http, IGrainFactory grains) =>
        {
            var schemas = await Registry(grains).ListSchemasAsync(Prefix(http), Flag(http, "deleted"), Flag(http, "latestOnly")).ConfigureAwait(false);
            return Json(schemas.Select(ToContract).ToArray(), SchemaRegistryJsonContext.Default.VersionContractArray);
        });

        // ?subject= names the context to look in (Confluent's contexts); with one context, any subject finds every id.
        api.MapGet("/schemas/ids/{id:int}", async (IGrainFactory grains, int id) =>
        {
            var schema = await Registry(grains).GetSchemaAsync(id).ConfigureAwait(false);
            return Json(new SchemaContract(TypeName(schema.Type), References(schema), schema.Text), SchemaRegistryJsonContext.Default.SchemaContract);
        });

        api.MapGet("/schemas/ids/{id:int}/schema", async (IGrainFactory grains, int id) =>
            Raw((await Registry(grains).GetSchemaAsync(id)).Text));

        api.MapGet("/schemas/ids/{id:int}/subjects", async (HttpContext http, IGrainFactory grains, int id) =>
        {
            var versions = await Registry(grains).GetSchemaVersionsAsync(id, Flag(http, "deleted")).ConfigureAwait(false);
            return Json(versions.Select(v => v.Subject).Distinct(StringComparer.Ordinal).ToArray(), SchemaRegistryJsonContext.Default.StringArray);
        });

        api.MapGet("/schemas/ids/{id:int}/versions", async (HttpContext http, IGrainFactory grains, int id) =>
        {
            var versions = await Registry(grains).GetSchemaVersionsAsync(id, Flag(http, "deleted")).ConfigureAwait(false);
            return Json(versions.Select(v => new SubjectVersionContract(v.Subject, v.Version)).ToArray(), SchemaRegistryJsonContext.Default.SubjectVersionContractArray);
        });
    }

    private static void MapCompatibility(RouteGroupBuilder api)
    {
        api.MapPost("/compatibility/subjects/{subject}/versions/{version}", (HttpContext http, IGrainFactory grains, string subject, string version) =>
            CheckCompatibilityAsync(http, grains, Subject(subject), Version(version)));

        api.MapPost("/compatibility/subjects/{subject}/versions", (HttpContext http, IGrainFactory grains, string subject) =>
            CheckCompatibilityAsync(http, grains, Subject(subject), version: null));
    }

    private static async Task<IResult> CheckCompatibilityAsync(HttpContext http, IGrainFactory grains, string subject, int? version)
    {
        var body = await ReadBodyAsync(http, SchemaRegistryJsonContext.Default.SchemaRequest).ConfigureAwait(false);
        var result = await Registry(grains).CheckCompatibilityAsync(subject, version, Schema(body), Flag(http, "normalize")).ConfigureAwait(false);
        return Json(
            new CompatibilityCheckContract(result.IsCompatible, Flag(http, "verbose") ? result.Messages : null),
            SchemaRegistryJsonContext.Default.CompatibilityCheckContract);
    }

    private static void MapConfig(RouteGroupBuilder api)
    {
        api.MapGet("/config", async (IGrainFactory grains) => Level(await Registry(grains).GetCompatibilityAsync()));

        api.MapPut("/config", (HttpContext http, IGrainFactory grains) => SetCompatibilityAsync(http, grains, subject: null));

        // Confluent's DELETE /config puts the registry's level back to its default, BACKWARD, and answers the level it had.
        api.MapDelete("/config", async (IGrainFactory grains) =>
        {
            var registry = Registry(grains);
            var previous = await registry.GetCompatibilityAsync().ConfigureAwait(false);
            await registry.SetCompatibilityAsync(null, CompatibilityLevel.Backward).ConfigureAwait(false);
            return Level(previous);
        });

        api.MapGet("/config/{subject}", async (HttpContext http, IGrainFactory grains, string subject) =>
            Level(await Registry(grains).GetCompatibilityAsync(Subject(subject), Flag(http, "defaultToGlobal"))));

        api.MapPut("/config/{subject}", (HttpContext http, IGrainFactory grains, string subject) => SetCompatibilityAsync(http, grains, Subject(subject)));

        api.MapDelete("/config/{subject}", async (IGrainFactory grains, string subject) =>
            Level(await Registry(grains).DeleteCompatibilityAsync(Subject(subject))));
    }

    private static async Task<IResult> SetCompatibilityAsync(HttpContext http, IGrainFactory grains, string? subject)
    {
        var body = await ReadBodyAsync(http, SchemaRegistryJsonContext.Default.ConfigUpdateContract).ConfigureAwait(false);
        var level = ConfluentNames.ParseCompatibility(body.Compatibility);
        await Registry(grains).SetCompatibilityAsync(subject, level).ConfigureAwait(false);
        return Json(new ConfigUpdateContract(ConfluentNames.Of(level)), SchemaRegistryJsonContext.Default.ConfigUpdateContract);
    }

    private static void MapMode(RouteGroupBuilder api)
    {
        api.MapGet("/mode", async (IGrainFactory grains) => Mode(await Registry(grains).GetModeAsync()));

        api.MapPut("/mode", (HttpContext http, IGrainFactory grains) => SetModeAsync(http, grains, subject: null));

        api.MapGet("/mode/{subject}", async (HttpContext http, IGrainFactory grains, string subject) =>
            Mode(await Registry(grains).GetModeAsync(Subject(subject), Flag(http, "defaultToGlobal"))));

        api.MapPut("/mode/{subject}", (HttpContext http, IGrainFactory grains, string subject) => SetModeAsync(http, grains, Subject(subject)));

        api.MapDelete("/mode/{subject}", async (IGrainFactory grains, string subject) =>
            Mode(await Registry(grains).DeleteModeAsync(Subject(subject))));
    }

    private static async Task<IResult> SetModeAsync(HttpContext http, IGrainFactory grains, string? subject)
    {
        var body = await ReadBodyAsync(http, SchemaRegistryJsonContext.Default.ModeContract).ConfigureAwait(false);
        var mode = ConfluentNames.ParseMode(body.Mode);
        await Registry(grains).SetModeAsync(subject, mode, Flag(http, "force")).ConfigureAwait(false);
        return Mode(mode);
    }

    /// <summary>
    /// Confluent's associations API, read side: Confluent.SchemaRegistry 2.16's serdes default to the associated subject name strategy, which
    /// asks <c>GET /associations/resources/{namespace}/{topic}</c> for the subject of a topic's keys or values and falls back to
    /// <c>&lt;topic&gt;-key</c>/<c>-value</c> when the list is empty. OrleansLog keeps no associations, so every list is empty.
    /// </summary>
    private static void MapAssociations(RouteGroupBuilder api)
    {
        api.MapGet("/associations/resources/{resourceNamespace}/{resourceName}", NoAssociations);

        api.MapGet("/associations/resources/{resourceId}", NoAssociations);

        api.MapGet("/associations/subjects/{subject}", NoAssociations);
    }

    private static IResult NoAssociations() => Json(Array.Empty<AssociationContract>(), SchemaRegistryJsonContext.Default.AssociationContractArray);

    private static ISchemaRegistryGrain Registry(IGrainFactory grains) => grains.GetGrain<ISchemaRegistryGrain>(ISchemaRegistryGrain.Key);

    private static IResult Level(CompatibilityLevel level) =>
        Json(new ConfigContract(ConfluentNames.Of(level)), SchemaRegistryJsonContext.Default.ConfigContract);

    private static IResult Mode(RegistryMode mode) => Json(new ModeContract(ConfluentNames.Of(mode)), SchemaRegistryJsonContext.Default.ModeContract);

    private static VersionContract ToContract(RegisteredSchema registered) =>
        new(registered.Subject, registered.Version, registered.Id, TypeName(registered.Schema.Type), References(registered.Schema), registered.Schema.Text);

    /// <summary>Confluent leaves <c>schemaType</c> out for Avro, its default.</summary>
    private static string? TypeName(SchemaType type) => type == SchemaType.Avro ? null : ConfluentNames.Of(type);

    /// <summary>Confluent leaves <c>references</c> out when there are none.</summary>
    private static List<ReferenceContract>? References(Schema schema) =>
        schema.References.Count == 0 ? null : schema.References.Select(r => new ReferenceContract(r.Name, r.Subject, r.Version)).ToList();
}
