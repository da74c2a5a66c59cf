using Orleans.Runtime;
using OrleansLog.ClusterTests.Infrastructure;
using OrleansLog.Schemas;
using static OrleansLog.Schemas.SchemaRegistryException;

namespace OrleansLog.ClusterTests.Schemas;

[Collection(LogClusterCollection.Name)]
public sealed class SchemaRegistryGrainTests(LogClusterFixture fixture)
{
    private const string UserV1 = """{"type":"record","name":"User","fields":[{"name":"name","type":"string"}]}""";
    private const string UserV2 = """{"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"age","type":"int","default":0}]}""";

    private readonly ISchemaRegistryGrain _registry = fixture.Log.Cluster.Client.GetGrain<ISchemaRegistryGrain>(ISchemaRegistryGrain.Key);

    private static string NewSubject(string what) => $"{what}-{Guid.NewGuid():N}-value";

    [Fact]
    public async Task Versions_number_from_one_and_a_repeated_registration_returns_the_existing_version()
    {
        var subject = NewSubject("versions");
        var first = await _registry.RegisterAsync(subject, new Schema(UserV1));
        var again = await _registry.RegisterAsync(subject, new Schema(UserV1));
        var second = await _registry.RegisterAsync(subject, new Schema(UserV2));

        Assert.Equal(1, first.Version);
        Assert.Equal(first, again);
        Assert.Equal(2, second.Version);
        Assert.True(second.Id > first.Id);
        Assert.Equal(new[] { 1, 2 }, await _registry.GetVersionsAsync(subject));
        Assert.Equal(second.Id, (await _registry.GetVersionAsync(subject, ISchemaRegistryGrain.LatestVersion)).Id);
        Assert.Contains("\"age\"", (await _registry.GetSchemaAsync(second.Id)).Text);
    }

    [Fact]
    public async Task One_schema_under_two_subjects_has_one_id_and_both_subjects_list_it()
    {
        var (a, b) = (NewSubject("shared-a"), NewSubject("shared-b"));
        var first = await _registry.RegisterAsync(a, new Schema(UserV1));
        var second = await _registry.RegisterAsync(b, new Schema(UserV1));

        Assert.Equal(first.Id, second.Id);
        var holders = await _registry.GetSchemaVersionsAsync(first.Id);
        Assert.Contains(new SubjectVersion(a, 1), holders);
        Assert.Contains(new SubjectVersion(b, 1), holders);
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_schema_get_one_id_and_one_version()
    {
        var subject = NewSubject("concurrent");
        var schema = new Schema("""{"type":"record","name":"Concurrent","fields":[{"name":"n","type":"long"}]}""");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _registry.RegisterAsync(i % 2 == 0 ? subject : subject + "-other", schema)));

        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Equal(new[] { 1 }, await _registry.GetVersionsAsync(subject));
    }

    [Fact]
    public async Task An_incompatible_schema_is_refused_with_409_and_nothing_is_stored()
    {
        var subject = NewSubject("incompatible");
        await _registry.RegisterAsync(subject, new Schema(UserV1));
        var breaking = new Schema("""{"type":"record","name":"User","fields":[{"name":"name","type":"string"},{"name":"email","type":"string"}]}""");

        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.RegisterAsync(subject, breaking));

        Assert.Equal(Codes.Incompatible, error.RegistryErrorCode);
        Assert.Contains("email", error.Message);
        Assert.Equal(new[] { 1 }, await _registry.GetVersionsAsync(subject));
        var check = await _registry.CheckCompatibilityAsync(subject, null, breaking);
        Assert.False(check.IsCompatible);
        Assert.NotEmpty(check.Messages);

        await _registry.SetCompatibilityAsync(subject, CompatibilityLevel.None);
        Assert.Equal(2, (await _registry.RegisterAsync(subject, breaking)).Version);
        Assert.Equal(CompatibilityLevel.None, await _registry.DeleteCompatibilityAsync(subject));
        Assert.Equal(await _registry.GetCompatibilityAsync(), await _registry.GetCompatibilityAsync(subject));
    }

    [Fact]
    public async Task An_invalid_schema_is_refused_with_42201_and_the_subject_stays_absent()
    {
        var subject = NewSubject("invalid");
        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.RegisterAsync(subject, new Schema("""{"type":"record","name":"Broken","fields":[{"name":"x","type":"nosuchtype"}]}""")));

        Assert.Equal(Codes.InvalidSchema, error.RegistryErrorCode);
        Assert.DoesNotContain(subject, await _registry.GetSubjectsAsync(deleted: true));
        var missing = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.GetVersionsAsync(subject));
        Assert.Equal(Codes.SubjectNotFound, missing.RegistryErrorCode);
    }

    [Fact]
    public async Task Soft_delete_hides_versions_and_keeps_the_id_readable_and_a_hard_delete_needs_a_soft_one_first()
    {
        var subject = NewSubject("delete");
        // A schema of this test's own: the shared ones are held by other tests' subjects, which keep their ids alive.
        var own = new Schema($$"""{"type":"record","name":"Deleted{{Guid.NewGuid():N}}","fields":[]}""");
        var registered = await _registry.RegisterAsync(subject, own);

        var notSoft = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.DeleteSubjectAsync(subject, permanent: true));
        Assert.Equal(Codes.SubjectNotSoftDeleted, notSoft.RegistryErrorCode);

        Assert.Equal(new[] { 1 }, await _registry.DeleteSubjectAsync(subject));
        Assert.DoesNotContain(subject, await _registry.GetSubjectsAsync());
        Assert.Contains(subject, await _registry.GetSubjectsAsync(deleted: true));
        Assert.False(await _registry.IsRegisteredAsync(subject, registered.Id));
        Assert.Equal(own.Text, (await _registry.GetSchemaAsync(registered.Id)).Text);
        var again = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.DeleteSubjectAsync(subject));
        Assert.Equal(Codes.SubjectSoftDeleted, again.RegistryErrorCode);

        Assert.Equal(new[] { 1 }, await _registry.DeleteSubjectAsync(subject, permanent: true));
        Assert.DoesNotContain(subject, await _registry.GetSubjectsAsync(deleted: true));
        var gone = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.GetSchemaAsync(registered.Id));
        Assert.Equal(Codes.SchemaNotFound, gone.RegistryErrorCode);

        // Ids are never reused: the same schema registered again gets a new one.
        var reborn = await _registry.RegisterAsync(subject, own);
        Assert.True(reborn.Id > registered.Id);
    }

    [Fact]
    public async Task A_referenced_version_cannot_be_deleted_and_its_referrers_are_listed()
    {
        var addressSubject = NewSubject("address");
        var address = await _registry.RegisterAsync(addressSubject, new Schema("""{"type":"record","name":"Address","namespace":"shop","fields":[{"name":"zip","type":"string"}]}"""));
        var order = await _registry.RegisterAsync(
            NewSubject("order"),
            new Schema("""{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"ship_to","type":"shop.Address"}]}""", SchemaType.Avro, [new SchemaReference("shop.Address", addressSubject, address.Version)]));

        Assert.Equal([order.Id], await _registry.GetReferencedByAsync(addressSubject, address.Version));
        var error = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.DeleteVersionAsync(addressSubject, address.Version));
        Assert.Equal(Codes.ReferenceExists, error.RegistryErrorCode);

        var unresolved = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.RegisterAsync(
            NewSubject("order"), new Schema(order.Schema.Text, SchemaType.Avro, [new SchemaReference("shop.Address", addressSubject, 99)])));
        Assert.Equal(Codes.InvalidSchema, unresolved.RegistryErrorCode);
    }

    [Fact]
    public async Task Readonly_mode_refuses_writes_and_import_mode_keeps_the_given_id_and_version()
    {
        var subject = NewSubject("modes");
        var first = await _registry.RegisterAsync(subject, new Schema(UserV1));
        await _registry.SetModeAsync(subject, RegistryMode.ReadOnly);
        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.RegisterAsync(subject, new Schema(UserV2)));
        Assert.Equal(Codes.OperationNotPermitted, refused.RegistryErrorCode);

        // A schema the subject holds already is a look-up, answered in any mode: producers that auto-register keep producing.
        Assert.Equal(first, await _registry.RegisterAsync(subject, new Schema(UserV1)));

        // Switching a subject that holds live schemas into IMPORT needs force; once there, setting IMPORT again does not.
        var notEmpty = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.SetModeAsync(subject, RegistryMode.Import));
        Assert.Equal(Codes.OperationNotPermitted, notEmpty.RegistryErrorCode);
        await _registry.SetModeAsync(subject, RegistryMode.Import, force: true);
        await _registry.SetModeAsync(subject, RegistryMode.Import);

        // IMPORT registers only what carries the source registry's id, so no producer takes an id while a copy runs.
        var withoutId = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.RegisterAsync(subject, new Schema(UserV2)));
        Assert.Equal(Codes.OperationNotPermitted, withoutId.RegistryErrorCode);
        var id = 1_000_000 + Random.Shared.Next(1_000_000);
        var imported = await _registry.RegisterAsync(subject, new Schema("""{"type":"record","name":"Imported","fields":[]}"""), id: id, version: 7);
        Assert.Equal((id, 7), (imported.Id, imported.Version));
        var overflow = await Assert.ThrowsAsync<SchemaRegistryException>(
            () => _registry.RegisterAsync(subject, new Schema("""{"type":"record","name":"Last","fields":[]}"""), id: int.MaxValue, version: 8));
        Assert.Equal(Codes.OperationNotPermitted, overflow.RegistryErrorCode);

        Assert.Equal(RegistryMode.Import, await _registry.DeleteModeAsync(subject));
        Assert.Equal(await _registry.GetModeAsync(), await _registry.GetModeAsync(subject));
        var given = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.RegisterAsync(subject, new Schema(UserV1), id: id + 1));
        Assert.Equal(Codes.OperationNotPermitted, given.RegistryErrorCode);
    }

    [Fact]
    public async Task Soft_deleting_a_subjects_last_version_drops_its_own_level_and_mode()
    {
        var subject = NewSubject("forget");
        await _registry.RegisterAsync(subject, new Schema(UserV1));
        await _registry.SetCompatibilityAsync(subject, CompatibilityLevel.None);
        await _registry.SetModeAsync(subject, RegistryMode.ReadWrite);

        await _registry.DeleteVersionAsync(subject, 1);

        // Registered again, the subject follows the registry's level and mode, as in Confluent's registry.
        var level = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.GetCompatibilityAsync(subject, defaultToGlobal: false));
        Assert.Equal(Codes.SubjectCompatibilityNotConfigured, level.RegistryErrorCode);
        var mode = await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.GetModeAsync(subject, defaultToGlobal: false));
        Assert.Equal(Codes.SubjectModeNotConfigured, mode.RegistryErrorCode);
    }

    [Fact]
    public async Task A_reference_to_the_latest_version_is_pinned_to_that_version_when_registered()
    {
        var (address, customer) = (NewSubject("address"), NewSubject("customer"));
        await _registry.RegisterAsync(address, new Schema("""{"type":"record","name":"Address","namespace":"pinned","fields":[{"name":"city","type":"string"}]}"""));
        var registered = await _registry.RegisterAsync(
            customer,
            new Schema("""{"type":"record","name":"Customer","namespace":"pinned","fields":[{"name":"home","type":"Address"}]}""", references: [new("pinned.Address", address, ISchemaRegistryGrain.LatestVersion)]));

        // A later version of the referenced subject does not change what the id means.
        await _registry.RegisterAsync(address, new Schema("""{"type":"record","name":"Address","namespace":"pinned","fields":[{"name":"city","type":"string"},{"name":"zip","type":"string","default":""}]}"""));
        Assert.Equal([new SchemaReference("pinned.Address", address, 1)], (await _registry.GetSchemaAsync(registered.Id)).References);
        Assert.Equal(registered.Id, (await _registry.LookUpAsync(customer, (await _registry.GetSchemaAsync(registered.Id)) with { })).Id);
    }

    [Fact]
    public async Task Unknown_subjects_versions_and_ids_answer_confluents_not_found_codes()
    {
        var subject = NewSubject("missing");
        Assert.Equal(Codes.SubjectNotFound, (await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.GetVersionAsync(subject, 1))).RegistryErrorCode);
        await _registry.RegisterAsync(subject, new Schema(UserV1));
        Assert.Equal(Codes.VersionNotFound, (await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.GetVersionAsync(subject, 2))).RegistryErrorCode);
        Assert.Equal(Codes.InvalidVersion, (await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.GetVersionAsync(subject, 0))).RegistryErrorCode);
        Assert.Equal(Codes.SchemaNotFound, (await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.GetSchemaAsync(int.MaxValue))).RegistryErrorCode);
        Assert.Equal(Codes.SchemaNotFound, (await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.LookUpAsync(subject, new Schema(UserV2)))).RegistryErrorCode);
        Assert.Equal(Codes.InvalidSubject, (await Assert.ThrowsAsync<SchemaRegistryException>(() => _registry.RegisterAsync(" ", new Schema(UserV1)))).RegistryErrorCode);
    }

    [Fact]
    public async Task Registrations_survive_the_registry_grain_moving()
    {
        var subject = NewSubject("durable");
        var registered = await _registry.RegisterAsync(subject, new Schema(UserV1));

        await fixture.Log.Cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        await LogTestExtensions.EventuallyAsync(
            async () => (await _registry.GetVersionAsync(subject, 1)).Id == registered.Id, TimeSpan.FromSeconds(10), "the registry to read its state back");
        Assert.Equal(registered, await _registry.LookUpAsync(subject, new Schema(UserV1)));
    }
}
