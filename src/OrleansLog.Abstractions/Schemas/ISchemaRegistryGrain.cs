namespace OrleansLog.Schemas;

/// <summary>
/// The cluster's schema registry (Confluent Schema Registry's model): subjects with numbered versions of schemas, global schema ids,
/// compatibility levels and modes. One per cluster, key <see cref="Key"/>; durable in grain storage. Errors are
/// <see cref="SchemaRegistryException"/>s with Confluent's codes. A <c>version</c> of <see cref="LatestVersion"/> means the latest.
/// </summary>
[Alias("OrleansLog.Schemas.ISchemaRegistryGrain")]
public interface ISchemaRegistryGrain : IGrainWithStringKey
{
    /// <summary>The key of the cluster's registry.</summary>
    public const string Key = "default";

    /// <summary>The version number that stands for a subject's latest version.</summary>
    public const int LatestVersion = -1;

    /// <summary>
    /// Registers <paramref name="schema"/> under <paramref name="subject"/> after checking it against the subject's compatibility level,
    /// and returns its global id; a schema already registered under the subject returns its existing version. The same schema under
    /// two subjects has one id. <paramref name="id"/> and <paramref name="version"/> are honoured only in <see cref="RegistryMode.Import"/>.
    /// </summary>
    [Alias("Register")]
    Task<RegisteredSchema> RegisterAsync(string subject, Schema schema, bool normalize = false, int? id = null, int? version = null);

    /// <summary>The version of <paramref name="subject"/> that holds <paramref name="schema"/>; 40403 if none does.</summary>
    [Alias("LookUp")]
    [Orleans.Concurrency.ReadOnly]
    Task<RegisteredSchema> LookUpAsync(string subject, Schema schema, bool normalize = false, bool deleted = false);

    /// <summary>The subjects, sorted; soft-deleted ones only when <paramref name="deleted"/>.</summary>
    [Alias("GetSubjects")]
    [Orleans.Concurrency.ReadOnly]
    Task<string[]> GetSubjectsAsync(string? prefix = null, bool deleted = false);

    /// <summary>The version numbers of <paramref name="subject"/>, ascending.</summary>
    [Alias("GetVersions")]
    [Orleans.Concurrency.ReadOnly]
    Task<int[]> GetVersionsAsync(string subject, bool deleted = false);

    /// <summary>One version of <paramref name="subject"/>.</summary>
    [Alias("GetVersion")]
    [Orleans.Concurrency.ReadOnly]
    Task<RegisteredSchema> GetVersionAsync(string subject, int version, bool deleted = false);

    /// <summary>The versions (of any subject) whose schemas refer to this version, as schema ids.</summary>
    [Alias("GetReferencedBy")]
    [Orleans.Concurrency.ReadOnly]
    Task<int[]> GetReferencedByAsync(string subject, int version);

    /// <summary>
    /// Deletes a subject: soft (its versions are hidden but keep their ids) or, after a soft delete, <paramref name="permanent"/>ly.
    /// Returns the versions deleted.
    /// </summary>
    [Alias("DeleteSubject")]
    Task<int[]> DeleteSubjectAsync(string subject, bool permanent = false);

    /// <summary>Deletes one version, soft or (after a soft delete) permanently; returns its number.</summary>
    [Alias("DeleteVersion")]
    Task<int> DeleteVersionAsync(string subject, int version, bool permanent = false);

    /// <summary>The schema with global id <paramref name="id"/>; 40403 if there is none.</summary>
    [Alias("GetSchema")]
    [Orleans.Concurrency.ReadOnly]
    Task<Schema> GetSchemaAsync(int id);

    /// <summary>The subject versions that hold schema <paramref name="id"/>.</summary>
    [Alias("GetSchemaVersions")]
    [Orleans.Concurrency.ReadOnly]
    Task<SubjectVersion[]> GetSchemaVersionsAsync(int id, bool deleted = false);

    /// <summary>The latest (or every) version of each subject whose name starts with <paramref name="prefix"/>.</summary>
    [Alias("ListSchemas")]
    [Orleans.Concurrency.ReadOnly]
    Task<RegisteredSchema[]> ListSchemasAsync(string? prefix = null, bool deleted = false, bool latestOnly = false);

    /// <summary>
    /// Whether <paramref name="schema"/> could be registered under <paramref name="subject"/>: against one <paramref name="version"/>,
    /// or (null) against the versions the subject's compatibility level names.
    /// </summary>
    [Alias("CheckCompatibility")]
    [Orleans.Concurrency.ReadOnly]
    Task<CompatibilityResult> CheckCompatibilityAsync(string subject, int? version, Schema schema, bool normalize = false);

    /// <summary>
    /// The compatibility level of <paramref name="subject"/> (null: the registry's). A subject without its own level answers the
    /// registry's when <paramref name="defaultToGlobal"/>, else 40408.
    /// </summary>
    [Alias("GetCompatibility")]
    [Orleans.Concurrency.ReadOnly]
    Task<CompatibilityLevel> GetCompatibilityAsync(string? subject = null, bool defaultToGlobal = true);

    /// <summary>Sets the compatibility level of <paramref name="subject"/> (null: the registry's).</summary>
    [Alias("SetCompatibility")]
    Task SetCompatibilityAsync(string? subject, CompatibilityLevel level);

    /// <summary>Removes <paramref name="subject"/>'s own level, so it follows the registry's; returns the level it had.</summary>
    [Alias("DeleteCompatibility")]
    Task<CompatibilityLevel> DeleteCompatibilityAsync(string subject);

    /// <summary>The mode of <paramref name="subject"/> (null: the registry's), falling back to the registry's when <paramref name="defaultToGlobal"/>.</summary>
    [Alias("GetMode")]
    [Orleans.Concurrency.ReadOnly]
    Task<RegistryMode> GetModeAsync(string? subject = null, bool defaultToGlobal = true);

    /// <summary>Sets the mode of <paramref name="subject"/> (null: the registry's). Import needs an empty registry or subject unless <paramref name="force"/>.</summary>
    [Alias("SetMode")]
    Task SetModeAsync(string? subject, RegistryMode mode, bool force = false);

    /// <summary>Removes <paramref name="subject"/>'s own mode; returns the mode it had.</summary>
    [Alias("DeleteMode")]
    Task<RegistryMode> DeleteModeAsync(string subject);

    /// <summary>Whether schema <paramref name="id"/> is a live (not deleted) version of <paramref name="subject"/>: the check behind validation on produce.</summary>
    [Alias("IsRegistered")]
    [Orleans.Concurrency.ReadOnly]
    Task<bool> IsRegisteredAsync(string subject, int id);
}
