namespace OrleansLog.Schemas;

/// <summary>The durable state of the schema registry: every schema by id, every subject's versions, and the configuration.</summary>
[GenerateSerializer]
internal sealed class SchemaRegistryState
{
    /// <summary>The next id to hand out; ids only grow, so a deleted schema's id never names another schema.</summary>
    [Id(0)]
    public int NextId { get; set; } = 1;

    /// <summary>The schemas some version (live or soft-deleted) still holds.</summary>
    [Id(1)]
    public List<StoredSchema> Schemas { get; set; } = [];

    /// <summary>The subjects, with their versions and own configuration.</summary>
    [Id(2)]
    public List<SubjectState> Subjects { get; set; } = [];

    /// <summary>The registry's compatibility level.</summary>
    [Id(3)]
    public CompatibilityLevel Compatibility { get; set; } = CompatibilityLevel.Backward;

    /// <summary>The registry's mode.</summary>
    [Id(4)]
    public RegistryMode Mode { get; set; } = RegistryMode.ReadWrite;
}

/// <summary>A registered schema: its id, language, stored text and references.</summary>
[GenerateSerializer]
internal sealed class StoredSchema
{
    /// <summary>The global id.</summary>
    [Id(0)]
    public int Id { get; set; }

    /// <summary>The schema's language.</summary>
    [Id(1)]
    public SchemaType Type { get; set; }

    /// <summary>The canonical (or, when registered with <c>normalize</c>, normalized) text.</summary>
    [Id(2)]
    public string Text { get; set; } = "";

    /// <summary>The registered schemas this one uses.</summary>
    [Id(3)]
    public List<SchemaReference> References { get; set; } = [];
}

/// <summary>A subject: its versions in order and its own compatibility level and mode, when set.</summary>
[GenerateSerializer]
internal sealed class SubjectState
{
    /// <summary>The subject's name.</summary>
    [Id(0)]
    public string Name { get; set; } = "";

    /// <summary>The versions, ascending; permanently deleted ones are gone.</summary>
    [Id(1)]
    public List<VersionState> Versions { get; set; } = [];

    /// <summary>The subject's own compatibility level, or null to follow the registry's.</summary>
    [Id(2)]
    public CompatibilityLevel? Compatibility { get; set; }

    /// <summary>The subject's own mode, or null to follow the registry's.</summary>
    [Id(3)]
    public RegistryMode? Mode { get; set; }
}

/// <summary>One version of a subject: its number, the schema id it holds and whether it is soft-deleted.</summary>
[GenerateSerializer]
internal sealed class VersionState
{
    /// <summary>The version number, from 1.</summary>
    [Id(0)]
    public int Version { get; set; }

    /// <summary>The schema's global id.</summary>
    [Id(1)]
    public int Id { get; set; }

    /// <summary>True once soft-deleted: hidden from reads without <c>deleted=true</c>, not checked for compatibility.</summary>
    [Id(2)]
    public bool Deleted { get; set; }
}
