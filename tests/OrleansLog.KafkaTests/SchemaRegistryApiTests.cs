using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.SchemaRegistry;

namespace OrleansLog.KafkaTests;

/// <summary>
/// The silo's schema registry REST API through Confluent.SchemaRegistry's <see cref="CachedSchemaRegistryClient"/>, and with raw HTTP
/// for what that client does not expose (deletes, modes, references, verbose checks). Tests marked <c>Format=Avro</c> rely on Avro's
/// parsing and compatibility rules, not on the placeholder format.
/// </summary>
[Collection(KafkaBrokerCollection.Name)]
public sealed class SchemaRegistryApiTests(KafkaBrokerFixture broker) : IDisposable
{
    private const string MediaType = "application/vnd.schemaregistry.v1+json";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Register_returns_one_id_per_schema_and_the_client_reads_it_back_by_id_version_and_latest()
    {
        var subject = NewSubject();
        using var client = Client();
        var v1 = Record("User", """{"name":"id","type":"long"}""");
        var v2 = Record("User", """{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}""");

        var id1 = await client.RegisterSchemaAsync(subject, new Schema(v1, SchemaType.Avro));
        var again = await Client().RegisterSchemaAsync(subject, new Schema(v1, SchemaType.Avro));
        var id2 = await client.RegisterSchemaAsync(subject, new Schema(v2, SchemaType.Avro));

        Assert.Equal(id1, again);
        Assert.NotEqual(id1, id2);
        Assert.Equal([1, 2], await client.GetSubjectVersionsAsync(subject));
        var first = await client.GetRegisteredSchemaAsync(subject, 1);
        Assert.Equal((subject, 1, id1, SchemaType.Avro), (first.Subject, first.Version, first.Id, first.SchemaType));
        Assert.Equal(v1, first.SchemaString);
        Assert.Empty(first.References);
        var latest = await client.GetLatestSchemaAsync(subject);
        Assert.Equal((2, id2), (latest.Version, latest.Id));
        var byId = await client.GetSchemaAsync(id2);
        Assert.Equal((v2, SchemaType.Avro), (byId.SchemaString, byId.SchemaType));
        Assert.Equal(v1, (await client.GetSchemaBySubjectAndIdAsync(subject, id1)).SchemaString);
        Assert.Contains(subject, await client.GetAllSubjectsAsync());
    }

    [Fact]
    public async Task Register_with_response_answers_the_version_and_look_up_finds_it_under_the_subject_only()
    {
        var subject = NewSubject();
        using var client = Client();
        var schema = new Schema(Record("Order", """{"name":"total","type":"double"}"""), SchemaType.Avro);

        var registered = await client.RegisterSchemaWithResponseAsync(subject, schema);
        using var fresh = Client();
        var found = await fresh.LookupSchemaAsync(subject, schema, ignoreDeletedSchemas: true);
        var id = await Client().GetSchemaIdAsync(subject, schema);

        Assert.Equal((registered.Id, 1), (found.Id, found.Version));
        Assert.Equal(1, registered.Version);
        Assert.Equal(subject, found.Subject);
        Assert.Equal(registered.Id, id);
        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(() => Client().LookupSchemaAsync(NewSubject(), schema, ignoreDeletedSchemas: true));
        Assert.Equal((HttpStatusCode.NotFound, 40401), (missing.Status, missing.ErrorCode));
        var other = new Schema(Record("Order", """{"name":"count","type":"int"}"""), SchemaType.Avro);
        var notThere = await Assert.ThrowsAsync<SchemaRegistryException>(() => Client().LookupSchemaAsync(subject, other, ignoreDeletedSchemas: true));
        Assert.Equal(40403, notThere.ErrorCode);
    }

    [Fact]
    public async Task Json_schemas_carry_their_type_and_the_same_schema_under_two_subjects_has_one_id()
    {
        var (a, b) = (NewSubject(), NewSubject());
        using var client = Client();
        var schema = new Schema("""{"type":"object","properties":{"n":{"type":"integer"}}}""", SchemaType.Json);

        var idA = await client.RegisterSchemaAsync(a, schema);
        var idB = await client.RegisterSchemaAsync(b, schema);

        Assert.Equal(idA, idB);
        Assert.Equal(SchemaType.Json, (await Client().GetSchemaAsync(idA)).SchemaType);
        Assert.Equal(SchemaType.Json, (await client.GetRegisteredSchemaAsync(b, 1)).SchemaType);
        var versions = await GetJsonAsync($"/schemas/ids/{idA}/versions");
        Assert.Equal(new[] { (a, 1), (b, 1) }.OrderBy(v => v.Item1, StringComparer.Ordinal), versions.AsArray().Select(v => (v!["subject"]!.GetValue<string>(), v["version"]!.GetValue<int>())).OrderBy(v => v.Item1, StringComparer.Ordinal));
        var subjects = await GetJsonAsync($"/schemas/ids/{idA}/subjects");
        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), subjects.AsArray().Select(s => s!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Avro_references_resolve_and_the_referenced_version_lists_its_referrers_and_cannot_be_deleted()
    {
        var (addressSubject, userSubject) = (NewSubject(), NewSubject());
        using var client = Client();
        var address = """{"type":"record","name":"Address","namespace":"com.example","fields":[{"name":"city","type":"string"}]}""";
        var user = """{"type":"record","name":"User","namespace":"com.example","fields":[{"name":"home","type":"com.example.Address"}]}""";

        var addressId = await client.RegisterSchemaAsync(addressSubject, new Schema(address, SchemaType.Avro));
        var userId = await client.RegisterSchemaAsync(userSubject, new Schema(user, [new SchemaReference("com.example.Address", addressSubject, 1)], SchemaType.Avro));

        var registered = await client.GetRegisteredSchemaAsync(userSubject, 1);
        var reference = Assert.Single(registered.References);
        Assert.Equal(("com.example.Address", addressSubject, 1), (reference.Name, reference.Subject, reference.Version));
        Assert.Single((await Client().GetSchemaAsync(userId)).References);
        Assert.Equal([userId], (await GetJsonAsync($"/subjects/{addressSubject}/versions/1/referencedby")).AsArray().Select(i => i!.GetValue<int>()));
        Assert.NotEqual(addressId, userId);
        await AssertErrorAsync(await _http.DeleteAsync(Url($"/subjects/{addressSubject}/versions/1")), 422, 42206);
        await AssertErrorAsync(await _http.DeleteAsync(Url($"/subjects/{addressSubject}")), 422, 42206);
        var unresolved = await SendAsync(HttpMethod.Post, $"/subjects/{NewSubject()}/versions", new JsonObject
        {
            ["schema"] = user,
            ["references"] = new JsonArray(new JsonObject { ["name"] = "com.example.Address", ["subject"] = NewSubject(), ["version"] = 1 }),
        });
        await AssertErrorAsync(unresolved, 422, 42201);
    }

    [Fact]
    public async Task Twenty_concurrent_registrations_of_one_schema_under_one_and_two_subjects_get_one_id()
    {
        var (a, b) = (NewSubject(), NewSubject());
        var schema = Record("Concurrent" + Guid.NewGuid().ToString("N")[..8], """{"name":"x","type":"int"}""");

        var ids = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var client = Client();
            return await client.RegisterSchemaAsync(i % 2 == 0 ? a : b, new Schema(schema, SchemaType.Avro));
        }));
        var sameSubject = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var client = Client();
            return await client.RegisterSchemaAsync(a, new Schema(schema, SchemaType.Avro));
        }));

        Assert.Single(ids.Concat(sameSubject).Distinct());
        using var reader = Client();
        Assert.Equal([1], await reader.GetSubjectVersionsAsync(a));
        Assert.Equal([1], await reader.GetSubjectVersionsAsync(b));
    }

    [Fact]
    public async Task Compatibility_levels_are_set_and_read_per_subject_and_globally()
    {
        var subject = NewSubject();
        using var client = Client();
        await client.RegisterSchemaAsync(subject, new Schema(Record("Cfg", """{"name":"a","type":"int"}"""), SchemaType.Avro));

        Assert.Equal(Compatibility.Full, await client.UpdateCompatibilityAsync(Compatibility.Full, subject));
        Assert.Equal(Compatibility.Full, await client.GetCompatibilityAsync(subject));
        var global = await client.GetCompatibilityAsync();
        Assert.Equal(Compatibility.Backward, global);

        var config = await GetJsonAsync($"/config/{subject}");
        Assert.Equal("FULL", config["compatibilityLevel"]!.GetValue<string>());
        var unset = NewSubject();
        await AssertErrorAsync(await _http.GetAsync(Url($"/config/{unset}")), 404, 40408);
        Assert.Equal("BACKWARD", (await GetJsonAsync($"/config/{unset}?defaultToGlobal=true"))["compatibilityLevel"]!.GetValue<string>());
        var deleted = await _http.DeleteAsync(Url($"/config/{subject}"));
        Assert.Equal("FULL", (await ReadJsonAsync(deleted))["compatibilityLevel"]!.GetValue<string>());
        await AssertErrorAsync(await _http.GetAsync(Url($"/config/{subject}")), 404, 40408);
        await AssertErrorAsync(await SendAsync(HttpMethod.Put, $"/config/{subject}", new JsonObject { ["compatibility"] = "SIDEWAYS" }), 422, 42203);

        // The registry's level: set, read, and DELETE /config puts back BACKWARD.
        var put = await SendAsync(HttpMethod.Put, "/config", new JsonObject { ["compatibility"] = "NONE" });
        Assert.Equal("NONE", (await ReadJsonAsync(put))["compatibility"]!.GetValue<string>());
        Assert.Equal(Compatibility.None, await client.GetCompatibilityAsync());
        Assert.Equal("NONE", (await ReadJsonAsync(await _http.DeleteAsync(Url("/config"))))["compatibilityLevel"]!.GetValue<string>());
        Assert.Equal(Compatibility.Backward, await client.GetCompatibilityAsync());
    }

    [Fact]
    public async Task Compatibility_check_answers_is_compatible_and_messages_only_when_verbose()
    {
        var subject = NewSubject();
        using var client = Client();
        var v1 = Record("Check", """{"name":"a","type":"int"}""");
        await client.RegisterSchemaAsync(subject, new Schema(v1, SchemaType.Avro));
        var withDefault = Record("Check", """{"name":"a","type":"int"},{"name":"b","type":"string","default":""}""");

        Assert.True(await client.IsCompatibleAsync(subject, new Schema(withDefault, SchemaType.Avro)));
        var terse = await ReadJsonAsync(await SendAsync(HttpMethod.Post, $"/compatibility/subjects/{subject}/versions/1", new JsonObject { ["schema"] = withDefault }));
        Assert.True(terse["is_compatible"]!.GetValue<bool>());
        Assert.Null(terse["messages"]);
        var verbose = await ReadJsonAsync(await SendAsync(HttpMethod.Post, $"/compatibility/subjects/{subject}/versions?verbose=true", new JsonObject { ["schema"] = withDefault }));
        Assert.True(verbose["is_compatible"]!.GetValue<bool>());
        Assert.Empty(verbose["messages"]!.AsArray());
        Assert.True(await Client().IsCompatibleAsync(NewSubject(), new Schema(v1, SchemaType.Avro)));
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, $"/compatibility/subjects/{subject}/versions/7", new JsonObject { ["schema"] = withDefault }), 404, 40402);
    }

    [Fact]
    [Trait("Format", "Avro")]
    public async Task Adding_a_field_without_a_default_under_backward_is_refused_with_409_and_verbose_messages()
    {
        var subject = NewSubject();
        using var client = Client();
        await client.RegisterSchemaAsync(subject, new Schema(Record("Strict", """{"name":"a","type":"int"}"""), SchemaType.Avro));
        var breaking = Record("Strict", """{"name":"a","type":"int"},{"name":"b","type":"string"}""");

        Assert.False(await client.IsCompatibleAsync(subject, new Schema(breaking, SchemaType.Avro)));
        var verbose = await ReadJsonAsync(await SendAsync(HttpMethod.Post, $"/compatibility/subjects/{subject}/versions/latest?verbose=true", new JsonObject { ["schema"] = breaking }));
        Assert.False(verbose["is_compatible"]!.GetValue<bool>());
        Assert.Contains(verbose["messages"]!.AsArray(), m => m!.GetValue<string>().Contains('b', StringComparison.Ordinal));
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema(breaking, SchemaType.Avro)));
        Assert.Equal((HttpStatusCode.Conflict, 409), (refused.Status, refused.ErrorCode));
        Assert.Equal([1], await Client().GetSubjectVersionsAsync(subject));
    }

    [Fact]
    [Trait("Format", "Avro")]
    public async Task Normalize_gives_a_differently_written_schema_the_same_id()
    {
        var subject = NewSubject();
        using var client = Client();
        var compact = Record("Norm", """{"name":"a","type":"int"}""");
        var spaced = """{ "type" : "record", "name" : "Norm", "fields" : [ { "name" : "a", "type" : "int" } ] }""";

        var id = await client.RegisterSchemaAsync(subject, new Schema(compact, SchemaType.Avro), normalize: true);
        var again = await Client().RegisterSchemaAsync(subject, new Schema(spaced, SchemaType.Avro), normalize: true);
        var found = await Client().GetSchemaIdAsync(subject, new Schema(spaced, SchemaType.Avro), normalize: true);

        Assert.Equal((id, id), (again, found));
        Assert.Equal([1], await client.GetSubjectVersionsAsync(subject));
    }

    [Fact]
    [Trait("Format", "Avro")]
    public async Task An_invalid_avro_schema_is_refused_with_42201_and_nothing_is_stored()
    {
        var subject = NewSubject();
        using var client = Client();

        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync(subject, new Schema("""{"type":"record","name":"Bad","fields":[{"name":"a","type":"no-such-type"}]}""", SchemaType.Avro)));

        Assert.Equal(((HttpStatusCode)422, 42201), (refused.Status, refused.ErrorCode));
        Assert.DoesNotContain(subject, await client.GetAllSubjectsAsync());
        await AssertErrorAsync(await _http.GetAsync(Url($"/subjects/{subject}/versions")), 404, 40401);
    }

    [Fact]
    public async Task Bad_requests_are_answered_with_confluents_codes_and_store_nothing()
    {
        var subject = NewSubject();
        using var client = Client();
        await client.RegisterSchemaAsync(subject, new Schema(Record("Bad", """{"name":"a","type":"int"}"""), SchemaType.Avro));

        await AssertErrorAsync(await _http.GetAsync(Url($"/subjects/{NewSubject()}/versions")), 404, 40401);
        await AssertErrorAsync(await _http.GetAsync(Url($"/subjects/{subject}/versions/9")), 404, 40402);
        await AssertErrorAsync(await _http.GetAsync(Url($"/subjects/{subject}/versions/abc")), 422, 42202);
        await AssertErrorAsync(await _http.GetAsync(Url($"/subjects/{subject}/versions/0")), 422, 42202);
        await AssertErrorAsync(await _http.GetAsync(Url("/schemas/ids/987654321")), 404, 40403);
        var fresh = NewSubject();
        using (var notJson = new StringContent("this is not json", Encoding.UTF8, MediaType))
        {
            await AssertErrorAsync(await _http.PostAsync(Url($"/subjects/{fresh}/versions"), notJson), 400, 400);
        }

        // A body without "schema" is an empty schema, as Confluent's registry answers.
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, $"/subjects/{fresh}/versions", new JsonObject { ["schemaType"] = "AVRO" }), 422, 42201);
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, $"/subjects/{fresh}/versions", new JsonObject { ["schema"] = "{}", ["schemaType"] = "XML" }), 422, 42201);
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, $"/subjects/{fresh}/versions", new JsonObject { ["schema"] = "\"int\"", ["references"] = new JsonArray((JsonNode?)null) }), 422, 42201);
        using (var xml = new StringContent("<schema/>", Encoding.UTF8, "application/xml"))
        {
            await AssertErrorAsync(await _http.PostAsync(Url($"/subjects/{fresh}/versions"), xml), 415, 415);
        }

        await AssertErrorAsync(await SendAsync(HttpMethod.Put, $"/mode/{fresh}", new JsonObject { ["mode"] = "SOMETIMES" }), 422, 42204);
        Assert.DoesNotContain(fresh, await client.GetAllSubjectsAsync());
        Assert.Equal([1], await client.GetSubjectVersionsAsync(subject));
    }

    [Fact]
    public async Task Soft_then_hard_deletes_of_versions_and_subjects_answer_confluents_codes()
    {
        var subject = NewSubject();
        using var client = Client();
        var id1 = await client.RegisterSchemaAsync(subject, new Schema(Record("Del", """{"name":"a","type":"int"}"""), SchemaType.Avro));
        await client.RegisterSchemaAsync(subject, new Schema(Record("Del", """{"name":"a","type":"int"},{"name":"b","type":"int","default":0}"""), SchemaType.Avro));

        await AssertErrorAsync(await _http.DeleteAsync(Url($"/subjects/{subject}/versions/1?permanent=true")), 404, 40407);
        Assert.Equal(1, (await ReadJsonAsync(await _http.DeleteAsync(Url($"/subjects/{subject}/versions/1")))).GetValue<int>());
        await AssertErrorAsync(await _http.DeleteAsync(Url($"/subjects/{subject}/versions/1")), 404, 40406);
        Assert.Equal([2], (await GetJsonAsync($"/subjects/{subject}/versions")).AsArray().Select(v => v!.GetValue<int>()));
        Assert.Equal([1, 2], (await GetJsonAsync($"/subjects/{subject}/versions?deleted=true")).AsArray().Select(v => v!.GetValue<int>()));
        Assert.Equal(id1, (await GetJsonAsync($"/subjects/{subject}/versions/1?deleted=true"))["id"]!.GetValue<int>());
        Assert.Equal(1, (await ReadJsonAsync(await _http.DeleteAsync(Url($"/subjects/{subject}/versions/1?permanent=true")))).GetValue<int>());
        await AssertErrorAsync(await _http.GetAsync(Url($"/subjects/{subject}/versions/1?deleted=true")), 404, 40402);

        await AssertErrorAsync(await _http.DeleteAsync(Url($"/subjects/{subject}?permanent=true")), 404, 40405);
        Assert.Equal([2], (await ReadJsonAsync(await _http.DeleteAsync(Url($"/subjects/{subject}")))).AsArray().Select(v => v!.GetValue<int>()));
        await AssertErrorAsync(await _http.DeleteAsync(Url($"/subjects/{subject}")), 404, 40404);
        await AssertErrorAsync(await _http.GetAsync(Url($"/subjects/{subject}/versions")), 404, 40401);
        Assert.DoesNotContain(subject, await client.GetAllSubjectsAsync());
        Assert.Contains(subject, (await GetJsonAsync("/subjects?deleted=true")).AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal([2], (await ReadJsonAsync(await _http.DeleteAsync(Url($"/subjects/{subject}?permanent=true")))).AsArray().Select(v => v!.GetValue<int>()));
        Assert.DoesNotContain(subject, (await GetJsonAsync("/subjects?deleted=true")).AsArray().Select(s => s!.GetValue<string>()));
    }

    [Fact]
    public async Task Readonly_mode_refuses_writes_with_42205_and_import_mode_takes_the_given_id_and_version()
    {
        var (readOnly, imported) = (NewSubject(), NewSubject());
        using var client = Client();
        await client.RegisterSchemaAsync(readOnly, new Schema(Record("Ro", """{"name":"a","type":"int"}"""), SchemaType.Avro));

        Assert.Equal("READONLY", (await ReadJsonAsync(await SendAsync(HttpMethod.Put, $"/mode/{readOnly}", new JsonObject { ["mode"] = "READONLY" })))["mode"]!.GetValue<string>());
        Assert.Equal("READONLY", (await GetJsonAsync($"/mode/{readOnly}"))["mode"]!.GetValue<string>());
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => Client().RegisterSchemaAsync(readOnly, new Schema(Record("Ro", """{"name":"z","type":"int","default":1}"""), SchemaType.Avro)));
        Assert.Equal(42205, refused.ErrorCode);
        await AssertErrorAsync(await _http.DeleteAsync(Url($"/subjects/{readOnly}")), 422, 42205);
        Assert.Equal("READONLY", (await ReadJsonAsync(await _http.DeleteAsync(Url($"/mode/{readOnly}"))))["mode"]!.GetValue<string>());
        await AssertErrorAsync(await _http.GetAsync(Url($"/mode/{readOnly}")), 404, 40409);
        Assert.Equal("READWRITE", (await GetJsonAsync($"/mode/{readOnly}?defaultToGlobal=true"))["mode"]!.GetValue<string>());
        Assert.Equal("READWRITE", (await GetJsonAsync("/mode"))["mode"]!.GetValue<string>());

        // IMPORT copies another registry: the id and version are the source's.
        await AssertErrorAsync(await SendAsync(HttpMethod.Post, $"/subjects/{imported}/versions", new JsonObject { ["schema"] = Record("Imp", """{"name":"a","type":"int"}"""), ["id"] = 900_000 + Random.Shared.Next(90_000), ["version"] = 5 }), 422, 42205);
        await SendAsync(HttpMethod.Put, $"/mode/{imported}", new JsonObject { ["mode"] = "IMPORT" });
        var id = 900_000 + Random.Shared.Next(90_000);
        var answer = await ReadJsonAsync(await SendAsync(HttpMethod.Post, $"/subjects/{imported}/versions", new JsonObject { ["schema"] = Record("Imp", """{"name":"a","type":"int"}"""), ["id"] = id, ["version"] = 5 }));
        Assert.Equal((id, 5), (answer["id"]!.GetValue<int>(), answer["version"]!.GetValue<int>()));
        var stored = await client.GetRegisteredSchemaAsync(imported, 5);
        Assert.Equal((id, 5), (stored.Id, stored.Version));
        await _http.DeleteAsync(Url($"/mode/{imported}"));
    }

    [Fact]
    public async Task Schemas_types_root_and_listing_answer_in_confluents_media_type()
    {
        var prefix = NewSubject();
        using var client = Client();
        await client.RegisterSchemaAsync(prefix + "-a", new Schema(Record("ListA", """{"name":"a","type":"int"}"""), SchemaType.Avro));
        await client.RegisterSchemaAsync(prefix + "-a", new Schema(Record("ListA", """{"name":"a","type":"int"},{"name":"b","type":"int","default":0}"""), SchemaType.Avro));
        await client.RegisterSchemaAsync(prefix + "-b", new Schema(Record("ListB", """{"name":"a","type":"int"}"""), SchemaType.Avro));

        using var types = await _http.GetAsync(Url("/schemas/types"));
        Assert.Equal(MediaType, types.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["JSON", "PROTOBUF", "AVRO"], (await ReadJsonAsync(types)).AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("{}", await _http.GetStringAsync(Url("/")));
        var all = (await GetJsonAsync($"/schemas?subjectPrefix={prefix}")).AsArray();
        Assert.Equal([(prefix + "-a", 1), (prefix + "-a", 2), (prefix + "-b", 1)], all.Select(s => (s!["subject"]!.GetValue<string>(), s["version"]!.GetValue<int>())));
        Assert.All(all, s => Assert.Null(s!["schemaType"]));
        Assert.Equal(2, (await GetJsonAsync($"/schemas?subjectPrefix={prefix}&latestOnly=true")).AsArray().Count);
        Assert.Equal([prefix + "-a", prefix + "-b"], (await GetJsonAsync($"/subjects?subjectPrefix={prefix}")).AsArray().Select(s => s!.GetValue<string>()));
        var raw = await _http.GetStringAsync(Url($"/subjects/{prefix}-b/versions/latest/schema"));
        Assert.Equal(Record("ListB", """{"name":"a","type":"int"}"""), raw);
        var id = (await GetJsonAsync($"/subjects/{prefix}-b/versions/1"))["id"]!.GetValue<int>();
        Assert.Equal(raw, await _http.GetStringAsync(Url($"/schemas/ids/{id}/schema")));
        await AssertErrorAsync(await _http.GetAsync(Url("/no/such/route")), 404, 404);
    }

    private static string Record(string name, string fields) => $$"""{"type":"record","name":"{{name}}","fields":[{{fields}}]}""";

    private static string NewSubject() => "sr-" + Guid.NewGuid().ToString("N")[..12];

    private CachedSchemaRegistryClient Client() => new(new SchemaRegistryConfig { Url = broker.SchemaRegistryUrl, MaxRetries = 1 });

    private Uri Url(string path) => new(broker.SchemaRegistryUrl + path);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, Url(path)) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, MediaType) };
        return await _http.SendAsync(request);
    }

    private async Task<JsonNode> GetJsonAsync(string path) => await ReadJsonAsync(await _http.GetAsync(Url(path)));

    private static async Task<JsonNode> ReadJsonAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
            return JsonNode.Parse(text)!;
        }
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, int status, int errorCode)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"expected {status}/{errorCode}, got {(int)response.StatusCode}: {text}");
            Assert.Equal(MediaType, response.Content.Headers.ContentType?.MediaType);
            var error = JsonNode.Parse(text)!;
            Assert.Equal(errorCode, error["error_code"]!.GetValue<int>());
            Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        }
    }
}
